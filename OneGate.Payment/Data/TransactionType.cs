using NpgsqlTypes;

namespace OneGate.Payment.Data;

/// <summary>Kind of a ledger row. PostgreSQL enum <c>transaction_type</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum TransactionType
{
    [PgName("TOPUP")]
    Topup,

    [PgName("PAYMENT")]
    Payment,

    [PgName("REFUND")]
    Refund,

    [PgName("TRANSFER")]
    Transfer,
}
