using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OneGate.ServiceDefaults.Data;

/// <summary>
/// One replica at a time does a job (e.g. an outbox relay): the one whose database session holds a session-level
/// Postgres advisory lock. A crashed leader's session ends and takes the lock with it; a leader that fails must
/// give it up explicitly (<see cref="ReleaseAsync"/>) so another replica can lead meanwhile.
/// </summary>
public static class AdvisoryLeadership
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Until stopped: takes the lock on a fresh session and runs <paramref name="lead"/> while holding it (it gets an
    /// action to call when it made progress, which resets the backoff); or, when another session leads,
    /// <paramref name="follow"/> (a wait). Any failure gives the lock up before backing off (250 ms doubling to 10 s).
    /// </summary>
    public static async Task RunWhileLeadingAsync<TContext>(IServiceScopeFactory scopes, long lockKey, string job,
        Func<TContext, Action, CancellationToken, Task> lead, Func<CancellationToken, Task> follow, ILogger logger, CancellationToken stoppingToken)
        where TContext : DbContext
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var led = false;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<TContext>();
                    await db.Database.OpenConnectionAsync(stoppingToken);
                    if (await TryTakeAsync(db, lockKey, stoppingToken))
                    {
                        led = true;
                        try
                        {
                            await lead(db, () => backoff = TimeSpan.Zero, stoppingToken);
                        }
                        finally
                        {
                            await ReleaseAsync(db, lockKey, logger);
                        }
                    }
                }

                if (!led)
                {
                    // The session went back to the pool first: a follower holds none of the pool while it waits.
                    await follow(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                backoff = Backoff.Next(backoff, TimeSpan.FromMilliseconds(250), MaxBackoff);
                logger.LogWarning("{Job} paused {Backoff} ms: {Reason}", job, (int)backoff.TotalMilliseconds, ex.Message);
                await Task.Delay(backoff, stoppingToken);
            }
        }
    }

    /// <summary>Takes the lock on the context's open connection if free; false when another session leads.</summary>
    public static async Task<bool> TryTakeAsync(DbContext db, long lockKey, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({lockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Whether the context's session still holds the lock. A context whose execution strategy retries can reopen a
    /// broken connection on a new session without the lock and carry on; a leader checks this after reading a batch
    /// and before acting on it, so a session that lost the lock never sends what another leader may be sending.
    /// </summary>
    public static async Task<bool> IsHeldAsync(DbContext db, long lockKey, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted " +
            $"AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = {lockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Gives up the lock before the session goes back to the pool: Npgsql resets a pooled session only when it
    /// is next used, so an idle pooled session would keep the lock through the whole backoff.
    /// </summary>
    public static async Task ReleaseAsync(DbContext db, long lockKey, ILogger logger)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({lockKey})", connection);
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            // A dead session took the lock with it (and Npgsql cleared the pool). One that may still hold it must be
            // closed, not pooled.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                NpgsqlConnection.ClearPool(connection);
                logger.LogWarning("Leadership lock {LockKey} not released by unlock; the pool's sessions are closed instead: {Reason}", lockKey, ex.Message);
            }
        }
    }
}
