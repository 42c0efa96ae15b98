namespace OneGate.Payment.Data;

/// <summary>
/// Money an e-wallet took for a top-up we could not credit (table <c>top_up_refunds</c>), given back through SNAP
/// service 58 and retried until the provider confirms. A row still PENDING after many attempts is what an operator
/// lists (docs/topups.md).
/// </summary>
public sealed class TopUpRefund
{
    public const string Pending = "PENDING";
    public const string Refunded = "REFUNDED";

    /// <summary>An operator settled it outside the system and said how (<see cref="ResolutionNote"/>); no more attempts.</summary>
    public const string Resolved = "RESOLVED";

    /// <summary>The CANCELLED top-up's <c>TRX-…</c> id.</summary>
    public required string TransactionId { get; set; }

    /// <summary>SNAP's <c>partnerRefundNo</c>: the refund's idempotency key at the provider.</summary>
    public required string RefundNo { get; set; }

    /// <summary>The <c>X-EXTERNAL-ID</c> every attempt of this refund is sent with (identical body each time).</summary>
    public required string ExternalId { get; set; }

    /// <summary>What the provider took (may differ from the top-up's amount when the provider charged another amount).</summary>
    public decimal Amount { get; set; }

    public required string Reason { get; set; }

    public string Status { get; set; } = Pending;

    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The provider's <c>refundNo</c> once it confirmed.</summary>
    public string? ProviderRefundReference { get; set; }

    /// <summary>The operator's note when <see cref="Resolved"/>.</summary>
    public string? ResolutionNote { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public override string ToString() => $"{nameof(TopUpRefund)} {TransactionId}";
}
