using System.Net;
using Npgsql;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Transactions;

/// <summary>
/// A database the consumer cannot use for a few seconds is a transient failure: the events that arrive meanwhile
/// are applied once it is back, none is dead-lettered. The outage is the consumer's alone (Payment keeps
/// committing, so events keep arriving): the inbox table is locked and every session that queues for it, which
/// only the consumers do, is terminated, as a failover or an operator's kill would.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class EventConsumerDatabaseLossTests(OneGateAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Events_arriving_while_the_database_drops_the_consumer_are_applied_later_and_none_is_dead_lettered()
    {
        var user = await payment.FundedUserAsync(auth, 1_000_000m);
        await using var db = await OpenAsync();
        var started = await ScalarAsync<DateTime>(db, "SELECT now()");

        using var stop = new CancellationTokenSource();
        var paying = PaySteadilyAsync(user, stop.Token);
        var terminated = await CutTheConsumerOffAsync(db);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        var paid = await paying;
        output.WriteLine($"{paid} payments, {terminated} consumer sessions terminated during {Outage.TotalSeconds:0} s");
        Assert.True(terminated > 0, "the consumer never reached the database during the outage");
        Assert.True(paid >= 10, $"only {paid} payments committed");

        var report = await CaughtUpAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0L, report.TotalsMismatches);
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM dead_letter_events WHERE created_at >= $1", started));
    }

    /// <summary>One payment every 200 ms until stopped; returns how many committed.</summary>
    private async Task<int> PaySteadilyAsync(TestUser user, CancellationToken ct)
    {
        var paid = 0;
        while (!ct.IsCancellationRequested)
        {
            var result = await payment.PayAsync(user, 1_000m);
            Assert.True(result.Status == HttpStatusCode.Created, result.Body);
            paid++;
            await Task.Delay(200, CancellationToken.None);
        }

        return paid;
    }

    /// <summary>For <see cref="Outage"/>, kills every session that waits for the inbox; returns how many.</summary>
    private static async Task<int> CutTheConsumerOffAsync(NpgsqlConnection db)
    {
        await using var transaction = await db.BeginTransactionAsync();
        await using (var lockInbox = new NpgsqlCommand("LOCK TABLE processed_events IN ACCESS EXCLUSIVE MODE", db, transaction))
        {
            await lockInbox.ExecuteNonQueryAsync();
        }

        await using var terminate = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int
              FROM pg_locks WHERE relation = 'processed_events'::regclass AND NOT granted
            """, db, transaction);
        var terminated = 0;
        var until = DateTimeOffset.UtcNow + Outage;
        while (DateTimeOffset.UtcNow < until)
        {
            terminated += (int)(await terminate.ExecuteScalarAsync())!;
            await Task.Delay(20);
        }

        await transaction.RollbackAsync();
        return terminated;
    }

    private async Task<LedgerChecks.EventReport> CaughtUpAsync(TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            await using var db = await OpenAsync();
            var report = await LedgerChecks.EventsAsync(db);
            if (report is { Unsent: 0, NotApplied: 0 })
            {
                return report;
            }

            // A dead-lettered event is never applied: that is how the old consumer failed here.
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the consumer did not catch up: {report}");
            await Task.Delay(300);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection db, string sql, object? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, db);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
