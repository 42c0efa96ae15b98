using OneGate.ProviderSandbox.Notifications;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>What <c>GET /sandbox/charges/{partnerReferenceNo}</c> shows: the charge as the provider sees it.</summary>
public sealed record SandboxChargeView(
    SandboxProvider Provider,
    string PartnerReferenceNo,
    string ReferenceNo,
    decimal Amount,
    ChargeStatus Status,
    decimal RefundedAmount,
    ScenarioOutcome Outcome,
    Uri NotifyUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    NotificationReport Notifications,
    IReadOnlyList<ChargeRefund> Refunds);
