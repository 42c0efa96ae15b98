namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>A chaos window: every provider request is delayed, a share of them fail with 503, and optionally signatures are forged.</summary>
public sealed record ActiveFault(int LatencyMs, double FailureRate, bool CorruptSignatures, DateTimeOffset Until);
