namespace OneGate.Payment.TopUps;

/// <summary>What an operator's action on a stranded refund did: changed it, or nothing (unknown, or no longer PENDING).</summary>
public abstract record StrandedRefundOutcome
{
    private StrandedRefundOutcome()
    {
    }

    public sealed record Changed(StrandedRefund Before, StrandedRefund After) : StrandedRefundOutcome;

    public sealed record NotPending(StrandedRefund Current) : StrandedRefundOutcome;

    public sealed record NotFound : StrandedRefundOutcome;
}
