namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>The daily report: totals per type, status and payment method for one WIB day.</summary>
public sealed record DailyReport(DateOnly Date, string Currency, IReadOnlyList<DailyReportLine> Totals);
