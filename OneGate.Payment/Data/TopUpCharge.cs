namespace OneGate.Payment.Data;

/// <summary>
/// The e-wallet charge behind one top-up (table <c>top_up_charges</c>): the <c>X-EXTERNAL-ID</c> it was first sent
/// with, so a retry of the same charge sends the same id with the identical body, and when reconciliation asks the
/// provider about it next. <see cref="NextInquiryAt"/> is null once the provider's answer is final for us.
/// </summary>
public sealed class TopUpCharge
{
    /// <summary>The top-up's <c>TRX-…</c> id, sent as SNAP's <c>partnerReferenceNo</c>.</summary>
    public required string TransactionId { get; set; }

    public required string ExternalId { get; set; }

    public DateTimeOffset? NextInquiryAt { get; set; }

    /// <summary>Status inquiries made so far; spaces the next ones out.</summary>
    public int Inquiries { get; set; }

    /// <summary>
    /// When we stopped waiting and recorded the top-up FAILED while the provider had no final answer. The provider is
    /// still asked afterwards: a late success is credited, or refunded if it cannot be.
    /// </summary>
    public DateTimeOffset? GaveUpAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public override string ToString() => $"{nameof(TopUpCharge)} {TransactionId}";
}
