namespace OneGate.Transaction.Events;

/// <summary>A dead letter put back (REPLAYED) or removed without sending (DROPPED: a redacted user event).</summary>
/// <param name="From">Where it had failed: topic@partition:offset.</param>
public sealed record ReplayOutcome(long Id, string Outcome, string From)
{
    public const string Replayed = "REPLAYED";
    public const string Dropped = "DROPPED";
}
