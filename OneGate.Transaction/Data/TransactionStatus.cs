using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>Lifecycle of a ledger row (read from Payment's table; Payment owns the type). PostgreSQL enum <c>transaction_status</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum TransactionStatus
{
    [PgName("PENDING")]
    Pending,

    [PgName("SUCCESS")]
    Success,

    [PgName("FAILED")]
    Failed,

    [PgName("CANCELLED")]
    Cancelled,
}
