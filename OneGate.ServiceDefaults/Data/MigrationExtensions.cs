using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OneGate.ServiceDefaults.Data;

public static class MigrationExtensions
{
    /// <summary>How long a starting service waits for its migrate step (a Job may still be running) before it gives up.</summary>
    private static readonly TimeSpan SchemaWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The service does not migrate (<see cref="MigrateCommand"/> does, as another process): at start it waits until
    /// its database has every migration it was built with, so a pod started before its migrate Job finished never
    /// serves on an older schema.
    /// </summary>
    public static IServiceCollection AddSchemaCheck<TContext>(this IServiceCollection services) where TContext : DbContext
        => services.AddHostedService<SchemaCheck<TContext>>();

    private sealed class SchemaCheck<TContext>(IServiceProvider services, ILogger<SchemaCheck<TContext>> logger)
        : IHostedService where TContext : DbContext
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var deadline = TimeProvider.System.GetTimestamp();
            while (true)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count == 0)
                {
                    // Types the migrations created after this process first connected (PostgreSQL enums) are not in
                    // the data source's type cache yet.
                    if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
                    {
                        await db.Database.OpenConnectionAsync(cancellationToken);
                        await npgsql.ReloadTypesAsync(cancellationToken);
                        await db.Database.CloseConnectionAsync();
                    }

                    return;
                }

                if (TimeProvider.System.GetElapsedTime(deadline) > SchemaWait)
                {
                    throw new InvalidOperationException(
                        $"{typeof(TContext).Name}: {pending.Count} migration(s) not applied ({string.Join(", ", pending)}). Run the service's `{MigrateCommand.Name}` command first.");
                }

                logger.LogWarning("{Context}: waiting for {Count} migration(s) to be applied by `{Command}`", typeof(TContext).Name, pending.Count, MigrateCommand.Name);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
