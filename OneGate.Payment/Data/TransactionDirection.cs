using NpgsqlTypes;

namespace OneGate.Payment.Data;

/// <summary>Whether a row adds to (credit) or takes from (debit) the account. PostgreSQL enum <c>transaction_direction</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum TransactionDirection
{
    [PgName("CREDIT")]
    Credit,

    [PgName("DEBIT")]
    Debit,
}
