using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OneGate.ServiceDefaults.Data;

public static class MigrationExtensions
{
    /// <summary>
    /// The connection migrations run on: the service's migrator role, which owns its schema objects, while the
    /// service itself connects with a role that has DML only (docs/operations.md, "Least privilege"). Without it
    /// (design-time tools, a database without those roles) migrations use the context's own connection.
    /// </summary>
    public const string MigratorConnectionName = "onegate-migrator";

    /// <summary>
    /// Applies the context's pending migrations at start-up, before the service accepts traffic.
    /// </summary>
    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services) where TContext : DbContext
        => services.AddHostedService<MigrationHostedService<TContext>>();

    private sealed class MigrationHostedService<TContext>(IServiceProvider services, ILogger<MigrationHostedService<TContext>> logger)
        : IHostedService where TContext : DbContext
    {
        // One lock for all services: replicas of one service starting together migrate one at a time,
        // and so do different services (they share the database and its enum types).
        private const long MigrationLockKey = 0x0_6E_6761_7465; // "ngate"

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = services.CreateAsyncScope();
            await using var migratorContext = CreateMigratorContext(scope.ServiceProvider);
            var db = migratorContext ?? scope.ServiceProvider.GetRequiredService<TContext>();
            var started = TimeProvider.System.GetTimestamp();

            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                // A session-level advisory lock on the same connection EF migrates on: released when the
                // connection closes, even if this process dies half-way.
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count > 0)
                {
                    await db.Database.MigrateAsync(cancellationToken);
                }

                // Migrations may have created PostgreSQL enum types this connection's type cache has not seen.
                if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
                {
                    await npgsql.ReloadTypesAsync(cancellationToken);
                }

                logger.LogInformation("{Context}: {Count} migration(s) applied in {Elapsed} ms", typeof(TContext).Name, pending.Count,
                    (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>The context with the service's own options on the migrator's connection (unpooled: used once).</summary>
        private static TContext? CreateMigratorContext(IServiceProvider scoped)
        {
            var connectionString = scoped.GetRequiredService<IConfiguration>().GetConnectionString(MigratorConnectionName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                return null;
            }

            var options = new DbContextOptionsBuilder<TContext>(scoped.GetRequiredService<DbContextOptions<TContext>>())
                .UseNpgsql(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString)
                .Options;
            return ActivatorUtilities.CreateInstance<TContext>(scoped, options);
        }
    }
}
