using Npgsql;

namespace OneGate.ServiceDefaults.Data;

/// <summary>
/// Each service's tables live in its own schema (docs/operations.md, "Least privilege"). Its connections search that
/// schema only: EF qualifies what it generates, and raw SQL finds the service's own tables and nothing another
/// service's migrator could have put in the way (public is in no service's path).
/// </summary>
public static class SearchPath
{
    public static string? Pin(string? connectionString, string schema) =>
        connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
}
