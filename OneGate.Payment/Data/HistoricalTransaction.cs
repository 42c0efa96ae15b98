namespace OneGate.Payment.Data;

/// <summary>
/// One ledger row (table <c>historical_transactions</c>), the API's transaction object.
/// A transfer writes two rows (sender DEBIT, recipient CREDIT), each with its own
/// <see cref="TransactionId"/>, sharing one <see cref="TransferReference"/>.
/// </summary>
public sealed class HistoricalTransaction
{
    /// <summary>Internal identity; also the tie-breaker of keyset paging.</summary>
    public long Id { get; set; }

    /// <summary>The public <c>TRX-…</c> id.</summary>
    public required string TransactionId { get; set; }

    public Guid AccountId { get; set; }

    public Account? Account { get; set; }

    /// <summary>Owner's Auth user id (denormalised so history reads need no join); no foreign key.</summary>
    public int UserId { get; set; }

    public TransactionType Type { get; set; }

    public TransactionStatus Status { get; set; }

    public TransactionDirection Direction { get; set; }

    public decimal Amount { get; set; }

    public decimal BalanceBefore { get; set; }

    /// <summary>Equals <see cref="BalanceBefore"/> unless the row is SUCCESS.</summary>
    public decimal BalanceAfter { get; set; }

    public string Currency { get; set; } = "IDR";

    public string? Description { get; set; }

    /// <summary>Top-ups only.</summary>
    public PaymentMethod? PaymentMethod { get; set; }

    /// <summary>The provider's or merchant's reference.</summary>
    public string? ExternalReference { get; set; }

    public string? Merchant { get; set; }

    /// <summary>A refund's payment, or a transfer row's counterpart (a <c>TRX-…</c> id).</summary>
    public string? RelatedTransactionId { get; set; }

    /// <summary>Shared by the two rows of one transfer.</summary>
    public string? TransferReference { get; set; }

    /// <summary>Free-form JSON (<c>jsonb</c>), serialised by the caller.</summary>
    public string? Metadata { get; set; }

    /// <summary>Regulators (Bank Indonesia, OJK) see only rows where this is true.</summary>
    public bool IsAccessibleExternal { get; set; } = true;

    /// <summary>
    /// The account's movement number when this row changed the balance (null while PENDING, FAILED,
    /// CANCELLED). Ordering by it chains balance_before to the previous balance_after exactly, even when
    /// a top-up created earlier is confirmed after later payments.
    /// </summary>
    public long? LedgerSequence { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
