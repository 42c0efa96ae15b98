using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>Credit or debit of a ledger row (read from Payment's table; Payment owns the type). PostgreSQL enum <c>transaction_direction</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum TransactionDirection
{
    [PgName("CREDIT")]
    Credit,

    [PgName("DEBIT")]
    Debit,
}
