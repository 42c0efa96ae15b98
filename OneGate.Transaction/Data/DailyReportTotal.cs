namespace OneGate.Transaction.Data;

/// <summary>
/// Regulators' daily report: count and amount per (day in WIB, type, status, payment method), maintained from
/// Payment's events. Only transactions with <c>is_accessible_external</c> are counted.
/// </summary>
public sealed class DailyReportTotal
{
    public DateOnly ReportDate { get; set; }

    public required string Type { get; set; }

    public required string Status { get; set; }

    /// <summary><c>GOPAY</c>, <c>SHOPEE_PAY</c> or <c>NONE</c>.</summary>
    public required string PaymentMethod { get; set; }

    public long Count { get; set; }

    public decimal Amount { get; set; }
}
