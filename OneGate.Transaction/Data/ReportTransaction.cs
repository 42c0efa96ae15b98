namespace OneGate.Transaction.Data;

/// <summary>
/// The last state of each transaction as the daily report counted it, so a later event (a PENDING top-up
/// becoming SUCCESS) moves it from one total to another instead of counting it twice.
/// </summary>
public sealed class ReportTransaction
{
    public required string TransactionId { get; set; }

    public DateOnly ReportDate { get; set; }

    public required string Type { get; set; }

    public required string Status { get; set; }

    /// <summary><c>GOPAY</c>, <c>SHOPEE_PAY</c> or <c>NONE</c>.</summary>
    public required string PaymentMethod { get; set; }

    public decimal Amount { get; set; }

    public bool IsAccessibleExternal { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
