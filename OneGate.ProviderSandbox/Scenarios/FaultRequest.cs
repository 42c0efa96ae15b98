namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Body of <c>POST /sandbox/faults</c>.</summary>
public sealed record FaultRequest(int LatencyMs, double FailureRate, int DurationSeconds, bool CorruptSignatures = false);
