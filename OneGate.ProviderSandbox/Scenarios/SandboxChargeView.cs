using OneGate.ProviderSandbox.Callbacks;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>What <c>GET /sandbox/charges/{reference}</c> shows a test.</summary>
public sealed record SandboxChargeView(
    SandboxProvider Provider,
    string Reference,
    string ProviderReference,
    decimal Amount,
    string Currency,
    ChargeStatus Status,
    ScenarioOutcome Outcome,
    Uri CallbackUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    CallbackReport Callback);
