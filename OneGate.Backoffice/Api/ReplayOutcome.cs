namespace OneGate.Backoffice.Api;

/// <summary>What replaying one dead letter did: REPLAYED, or DROPPED (a redacted user event removed without sending).</summary>
public sealed record ReplayOutcome(long Id, string Outcome);
