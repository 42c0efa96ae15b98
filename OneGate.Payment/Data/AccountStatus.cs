using NpgsqlTypes;

namespace OneGate.Payment.Data;

/// <summary>Wallet state; only ACTIVE accounts move money. ACTIVE is first so it is the CLR default. PostgreSQL enum <c>account_status</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum AccountStatus
{
    [PgName("ACTIVE")]
    Active,

    [PgName("SUSPENDED")]
    Suspended,

    [PgName("CLOSED")]
    Closed,
}
