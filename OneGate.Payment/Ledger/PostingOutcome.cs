using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>What the ledger did with one money request: posted it (the caller's row), or refused it and changed nothing.</summary>
public abstract record PostingOutcome
{
    private PostingOutcome()
    {
    }

    /// <summary>The caller's own row: the debit of a payment or transfer, the credit of a refund or top-up.</summary>
    public sealed record Posted(HistoricalTransaction Row) : PostingOutcome;

    /// <param name="Counterparty">The recipient's account refused, not the caller's.</param>
    /// <param name="Refundable">What is still refundable, for <see cref="Refusal.RefundExceedsPayment"/>.</param>
    public sealed record Refused(Refusal Reason, bool Counterparty = false, decimal? Refundable = null) : PostingOutcome;
}
