namespace OneGate.Payment.TopUps;

/// <summary>What an operator's action on a stranded refund did: changed it, or nothing (unknown, no longer PENDING, or an attempt may be in flight).</summary>
public abstract record StrandedRefundOutcome
{
    private StrandedRefundOutcome()
    {
    }

    public sealed record Changed(StrandedRefund Before, StrandedRefund After) : StrandedRefundOutcome;

    public sealed record NotPending(StrandedRefund Current) : StrandedRefundOutcome;

    public sealed record NotFound : StrandedRefundOutcome;

    /// <summary>An attempt was made less than a lease ago: the e-wallet may still refund it, so it cannot be resolved yet.</summary>
    public sealed record AttemptInFlight(StrandedRefund Current, DateTimeOffset Until) : StrandedRefundOutcome;
}
