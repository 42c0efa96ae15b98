using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>What a regulator API key may read. PostgreSQL enum <c>api_permission</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum ApiPermission
{
    [PgName("READ_TRANSACTIONS")]
    ReadTransactions,

    [PgName("READ_REPORTS")]
    ReadReports,
}
