namespace OneGate.Backoffice.Api;

/// <summary>What replaying every dead letter did.</summary>
public sealed record ReplaySummary(int Replayed, int Dropped);
