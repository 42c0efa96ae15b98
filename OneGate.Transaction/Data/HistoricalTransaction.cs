namespace OneGate.Transaction.Data;

/// <summary>
/// Read-only view of Payment's ledger table <c>historical_transactions</c>. Payment owns and migrates
/// the table; <see cref="TransactionDbContext"/> refuses to save changes to it.
/// </summary>
public sealed class HistoricalTransaction
{
    public long Id { get; init; }

    /// <summary>The public <c>TRX-…</c> id.</summary>
    public required string TransactionId { get; init; }

    public Guid AccountId { get; init; }

    public int UserId { get; init; }

    public TransactionType Type { get; init; }

    public TransactionStatus Status { get; init; }

    public TransactionDirection Direction { get; init; }

    public decimal Amount { get; init; }

    public decimal BalanceBefore { get; init; }

    public decimal BalanceAfter { get; init; }

    public required string Currency { get; init; }

    public string? Description { get; init; }

    public PaymentMethod? PaymentMethod { get; init; }

    public string? ExternalReference { get; init; }

    public string? Merchant { get; init; }

    public string? RelatedTransactionId { get; init; }

    public string? TransferReference { get; init; }

    public string? Metadata { get; init; }

    /// <summary>Regulators see only rows where this is true.</summary>
    public bool IsAccessibleExternal { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
