using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// What the database did during a row: statements run by one login (pg_stat_statements, where the server preloads
/// it — the report's stack does), transactions and rows written in the whole database (pg_stat_database), and how
/// many times autovacuum vacuumed or analysed a table of it (work of the row's that no statement count shows).
/// </summary>
public sealed record PostgresCounters(long? Statements, long Transactions, long RowsWritten, long Autovacuums)
{
    public static async Task<PostgresCounters> ReadAsync(string connectionString, string login)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        long? statements = null;
        if (await StatementsTrackedAsync(db))
        {
            await using var calls = new NpgsqlCommand(
                "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1", db)
            { Parameters = { new() { Value = login } } };
            statements = (long)(await calls.ExecuteScalarAsync())!;
        }

        // Stats are flushed by each backend at most once a second: force ours, and read them fresh.
        await using var database = new NpgsqlCommand("""
            SELECT pg_stat_clear_snapshot(); SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted,
                   (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::bigint FROM pg_stat_all_tables)
              FROM pg_stat_database WHERE datname = current_database()
            """, db);
        await using var reader = await database.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return new PostgresCounters(statements, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public static PostgresCounters operator -(PostgresCounters after, PostgresCounters before) =>
        new(after.Statements - before.Statements, after.Transactions - before.Transactions, after.RowsWritten - before.RowsWritten,
            after.Autovacuums - before.Autovacuums);

    private static async Task<bool> StatementsTrackedAsync(NpgsqlConnection db)
    {
        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT count(*) FROM pg_stat_statements", db);
            await create.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false; // not preloaded (shared_preload_libraries) on this server
        }
    }
}
