using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace OneGate.ServiceDefaults.Data;

/// <summary>
/// <c>&lt;service&gt; migrate</c>: applies the service's pending migrations as its migrator and exits. It is the only
/// process that holds the migrator's password (docs/operations.md, "Least privilege"): the AppHost runs it as a
/// resource before the service, the manifests as a Job. Exit codes: 0 done, 1 failed, 2 usage error.
/// </summary>
public static partial class MigrateCommand
{
    public const string Name = "migrate";

    /// <summary>The connection migrations run on: the service's migrator, which owns its schema.</summary>
    public const string MigratorConnectionName = "onegate-migrator";

    public const string Usage = """
        Usage:
          migrate
        Connection: ConnectionStrings__onegate-migrator="Host=...;Port=...;Username=onegate_<service>_migrator;Password=...;Database=onegate"
        """;

    // One lock for all services: replicas of one Job, and different services, migrate one at a time.
    private const long MigrationLockKey = 0x0_6E_6761_7465; // "ngate"

    /// <summary>Runs the command with appsettings.json and the environment as configuration.</summary>
    public static Task<int> RunAsync<TContext>(string schema, Action<NpgsqlDbContextOptionsBuilder> configureNpgsql) where TContext : DbContext =>
        RunAsync<TContext>(CommandConfiguration(), schema, configureNpgsql, Console.Out, Console.Error);

    public static async Task<int> RunAsync<TContext>(IConfiguration configuration, string schema, Action<NpgsqlDbContextOptionsBuilder> configureNpgsql,
        TextWriter output, TextWriter error) where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var connectionString = configuration.GetConnectionString(MigratorConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        // Unpooled (used once), and the schema pinned whatever the role's default: unqualified names in migrations
        // are created in the service's schema and nowhere else.
        var connection = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, SearchPath = schema }.ConnectionString;
        var options = new DbContextOptionsBuilder<TContext>().UseNpgsql(connection, configureNpgsql).Options;
        try
        {
            await using var db = (TContext)Activator.CreateInstance(typeof(TContext), options)!;
            var applied = await MigrateAsync(db, schema);
            await output.WriteLineAsync($"{typeof(TContext).Name}: {applied.Count} migration(s) applied{(applied.Count > 0 ? ": " + string.Join(", ", applied) : "")}");
            return 0;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or DbUpdateException or TimeoutException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<List<string>> MigrateAsync(DbContext db, string schema)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            // A session-level advisory lock on the connection EF migrates on: released when the connection closes,
            // even if this process dies half-way.
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})");
            await db.Database.ExecuteSqlRawAsync(AdoptHistoryTableSql(schema, HistoryTable(db)));
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync();
            }

            return pending;
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})");
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string HistoryTable(DbContext db) =>
        RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>()).MigrationsHistoryTableName
        ?? throw new InvalidOperationException($"{db.GetType().Name} names no migrations history table");

    /// <summary>
    /// Databases from before the per-service schemas keep the history table in <c>public</c>: EF looks for it in the
    /// service's schema, so it moves first (or EF would see an empty history and migrate from scratch). The service's
    /// own migration moves everything else. Creates the schema where the roles script has not (a database without the
    /// least-privilege roles, migrated as its owner).
    /// </summary>
    private static string AdoptHistoryTableSql(string schema, string table)
    {
        if (!Identifier().IsMatch(schema) || !Identifier().IsMatch(table))
        {
            throw new InvalidOperationException($"unexpected schema or table name: {schema}.{table}");
        }

        return $$"""
            DO $adopt$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = '{{schema}}') THEN
                CREATE SCHEMA "{{schema}}";
              END IF;
              IF to_regclass('public."{{table}}"') IS NOT NULL AND to_regclass('"{{schema}}"."{{table}}"') IS NULL THEN
                ALTER TABLE public."{{table}}" SET SCHEMA "{{schema}}";
              END IF;
            END
            $adopt$;
            """;
    }

    private static IConfiguration CommandConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
