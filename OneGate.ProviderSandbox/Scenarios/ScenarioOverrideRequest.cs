namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Body of <c>POST /sandbox/scenarios</c>.</summary>
public sealed record ScenarioOverrideRequest(string? Reference, ScenarioOutcome? Outcome);
