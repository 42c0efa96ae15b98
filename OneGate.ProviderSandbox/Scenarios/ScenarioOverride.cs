namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>A scripted outcome for one reference.</summary>
public sealed record ScenarioOverride(string Reference, ScenarioOutcome Outcome);
