namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>A chaos window: every provider request is delayed, a share of them fail with a SNAP 500, and optionally notification signatures are forged.</summary>
public sealed record ActiveFault(int LatencyMs, double FailureRate, bool CorruptSignatures, DateTimeOffset Until);
