using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>One line of <see cref="DailyReport"/>; <see cref="PaymentMethod"/> is null for movements without a provider.</summary>
public sealed record DailyReportLine(TransactionType Type, TransactionStatus Status, PaymentMethod? PaymentMethod, long Count, decimal Amount);
