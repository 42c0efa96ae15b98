using System.Globalization;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// Where Postgres' execution time went during a row: pg_stat_statements per statement (every login), so a row's
/// figures can say which statements — the engine's batches, the outbox relay, the Transaction service's consumer —
/// cost the database most per transfer.
/// </summary>
public sealed class StatementTimes
{
    private readonly Dictionary<(string Login, long QueryId), (string Query, long Calls, double Milliseconds)> statements;

    private StatementTimes(Dictionary<(string, long), (string, long, double)> statements) => this.statements = statements;

    public static async Task<StatementTimes?> ReadAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, s.queryid, s.query, s.calls, s.total_exec_time
              FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE s.queryid IS NOT NULL
            """, db);
        var read = new Dictionary<(string, long), (string, long, double)>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                read[(reader.GetString(0), reader.GetInt64(1))] = (reader.GetString(2), reader.GetInt64(3), reader.GetDouble(4));
            }
        }
        catch (PostgresException)
        {
            return null; // pg_stat_statements not preloaded on this server
        }

        return new StatementTimes(read);
    }

    /// <summary>The statements that took most execution time between <paramref name="before"/> and this, per transfer.</summary>
    public IEnumerable<string> TopLines(StatementTimes before, int transfers, int count)
    {
        var n = Math.Max(1, transfers);
        return statements
            .Select(s => (s.Key.Login, Query: s.Value.Query, Calls: s.Value.Calls - before.statements.GetValueOrDefault(s.Key).Calls,
                Milliseconds: s.Value.Milliseconds - before.statements.GetValueOrDefault(s.Key).Milliseconds))
            .Where(s => s.Calls > 0)
            .OrderByDescending(s => s.Milliseconds)
            .Take(count)
            .Select(s => string.Create(CultureInfo.InvariantCulture,
                $"| {s.Login} | {s.Milliseconds * 1000 / n:F0} | {s.Calls / (double)n:F2} | `{Shorten(s.Query)}` |"));
    }

    private static string Shorten(string query)
    {
        var line = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
        return line.Length <= 90 ? line : line[..90] + "…";
    }
}
