using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// Which refunds a payment allows: only a SUCCESS payment, and all its SUCCESS refunds together never more than it.
/// The caller holds the payer's account lock while it decides, so concurrent refunds of one payment are judged one
/// after the other.
/// </summary>
public static class RefundEligibility
{
    /// <summary>The amount to refund (the request's, or all that is left), or why there is none.</summary>
    public static (decimal Amount, PostingOutcome.Refused? Refusal) Check(HistoricalTransaction? payment, decimal alreadyRefunded, decimal? requested)
    {
        if (payment is null)
        {
            return (0, new PostingOutcome.Refused(Refusal.TransactionNotFound));
        }

        var refundable = payment.Amount - alreadyRefunded;
        if (payment.Type != TransactionType.Payment || payment.Status != TransactionStatus.Success || refundable <= 0)
        {
            return (0, new PostingOutcome.Refused(Refusal.NotRefundable));
        }

        var amount = requested ?? refundable;
        return amount > refundable ? (0, new PostingOutcome.Refused(Refusal.RefundExceedsPayment, Refundable: refundable)) : (amount, null);
    }
}
