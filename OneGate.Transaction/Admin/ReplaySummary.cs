namespace OneGate.Transaction.Admin;

/// <summary>What a replay of every dead letter did: sent again, or removed unsent (redacted user events).</summary>
public sealed record ReplaySummary(int Replayed, int Dropped);
