using System.Net;
using Npgsql;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Cuts a Transaction request's database connection mid-action: the test holds Transaction's audit chain lock
/// (advisory lock (0x0A0D1700, 3)), which every audited action takes last, just before its commit; once the request's
/// session waits for it, that session is terminated, then the lock released. The action's transaction is lost with its
/// connection, as in a crash or a network cut before the commit.
/// </summary>
public static class ChainLock
{
    public static async Task<HttpStatusCode> CutWhileWaitingAsync(OneGateAppFixture fixture, Func<Task<HttpResponseMessage>> request)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(request);
        var (holder, transaction) = await HoldAsync(fixture);
        await using var heldConnection = holder;
        await using var heldTransaction = transaction;

        var pending = request();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var cut = new NpgsqlCommand("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE application_name LIKE 'onegate-transaction%' AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                """, holder, transaction);
            if ((long)(await cut.ExecuteScalarAsync())! > 0)
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "the request never waited for the chain lock");
            await Task.Delay(50);
        }

        await transaction.RollbackAsync();
        using var response = await pending;
        return response.StatusCode;
    }

    /// <summary>
    /// Makes concurrent requests overlap for sure: holds the chain lock until <paramref name="waiting"/> of Transaction's
    /// sessions wait for a lock (the first action for the chain lock, the others behind its row lock), then releases it.
    /// Under load not all may arrive together: once two wait (an overlap), it holds at most a few seconds more, since
    /// every audited action of Transaction (other tests' too) waits meanwhile.
    /// </summary>
    public static async Task<T> HoldUntilWaitingAsync<T>(OneGateAppFixture fixture, int waiting, Func<Task<T>> requests)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(requests);
        var (holder, transaction) = await HoldAsync(fixture);
        await using var heldConnection = holder;
        await using var heldTransaction = transaction;

        var pending = requests();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        DateTimeOffset? overlapped = null;
        while (true)
        {
            await using var count = new NpgsqlCommand("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'onegate-transaction%' AND wait_event_type = 'Lock'
                """, holder, transaction);
            var now = (long)(await count.ExecuteScalarAsync())!;
            overlapped ??= now >= 2 ? DateTimeOffset.UtcNow : null;
            if (now >= waiting || DateTimeOffset.UtcNow - overlapped > TimeSpan.FromSeconds(3))
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "no two requests ever waited together");
            await Task.Delay(50);
        }

        await transaction.RollbackAsync();
        return await pending;
    }

    /// <summary>A connection holding the chain lock in its open transaction (rolled back to release it).</summary>
    private static async Task<(NpgsqlConnection Holder, NpgsqlTransaction Transaction)> HoldAsync(OneGateAppFixture fixture)
    {
        var holder = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holder.OpenAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(168630016, 3)", holder, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        return (holder, transaction);
    }
}
