using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>Window of an API key rate limit. PostgreSQL enum <c>rate_limit_unit</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum RateLimitUnit
{
    [PgName("MINUTE")]
    Minute,

    [PgName("HOUR")]
    Hour,

    [PgName("DAY")]
    Day,
}
