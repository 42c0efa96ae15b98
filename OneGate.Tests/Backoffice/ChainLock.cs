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
        await using var holder = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(168630016, 3)", holder, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

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
}
