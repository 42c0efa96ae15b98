namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>A scripted outcome for the charge with this partnerReferenceNo.</summary>
public sealed record ScenarioOverride(string Reference, ScenarioOutcome Outcome);
