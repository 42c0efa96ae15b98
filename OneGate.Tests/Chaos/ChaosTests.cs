using System.Globalization;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Chaos;

/// <summary>
/// The chaos run: simulated users and regulators use the public APIs while Payment is SIGKILLed twice,
/// Postgres, Redis and Kafka are restarted once each and the e-wallets are slow and failing for a while;
/// once the system settles the money and event invariants are checked exactly and a report is printed.
/// Size: ONEGATE_CHAOS_SECONDS (load duration, default 60) and ONEGATE_CHAOS_USERS (default 12); the report
/// is also written as markdown to ONEGATE_CHAOS_REPORT (default: chaos-report.md in the test output).
/// Long run: <c>ONEGATE_CHAOS_SECONDS=600 dotnet test OneGate.Tests --filter Chaos</c>.
/// </summary>
[RunsFirstInItsCollection]
[Collection(FaultsAppCollection.Name)]
public sealed class ChaosTests(FaultsApp fixture, ITestOutputHelper output)
{
    /// <summary>After a fault has recovered, requests already under way may still fail for this long.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Users_and_regulators_through_kills_restarts_and_provider_faults_keep_every_invariant()
    {
        var duration = TimeSpan.FromSeconds(Setting("ONEGATE_CHAOS_SECONDS", 60));
        var userCount = Setting("ONEGATE_CHAOS_USERS", 12);
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) };
        using var auth = RequestLog.ClientFor(fixture.App, "auth", handler);
        using var payment = RequestLog.ClientFor(fixture.App, "payment", handler);
        using var transaction = RequestLog.ClientFor(fixture.App, "transaction", handler);
        using var sandbox = RequestLog.ClientFor(fixture.App, "provider-sandbox", handler);
        var log = new RequestLog(auth, payment, transaction);
        var users = new SimulatedUsers(log, seed: 20261124);
        var faults = new FaultInjector(fixture, sandbox);

        // Two regulators: one paced at 90 % of its minute limit, one asking three times as fast as allowed.
        var steadyKey = await RegulatorKeys.CreateAsync(fixture, "OJK", "READ_TRANSACTIONS,READ_REPORTS", "--per-minute", "60");
        var eagerKey = await RegulatorKeys.CreateAsync(fixture, "BANK_INDONESIA", "READ_TRANSACTIONS", "--per-minute", "20");
        RegulatorPager[] regulators = [new(log, steadyKey.Secret, 60, 0.9), new(log, eagerKey.Secret, 20, 3)];

        var began = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll([users.RunAsync(userCount, duration, stop.Token), .. regulators.Select(r => r.RunAsync(began + duration, stop.Token))]);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        DurabilityCheck? postgresKept = null;
        try
        {
            postgresKept = await InjectAsync(faults, began, duration, db);
        }
        catch (Exception ex)
        {
            await stop.CancelAsync();
            throw new InvalidOperationException($"fault injection failed: {ex.Message}\n{fixture.DescribeLogs()}", ex);
        }

        await load;
        var loadEnded = DateTimeOffset.UtcNow;

        var recovery = await SettleAsync(db, faults.Windows.SingleOrDefault(w => w.Fault == "restart kafka"));
        // The provider's books against ours: refunds of money that could not be credited may still be retrying.
        var disagreements = await TopUpAgreement.SettledDisagreementsAsync(db, sandbox, SettleTimeout);
        var settled = DateTimeOffset.UtcNow;

        var report = new ChaosReport
        {
            Users = users,
            Regulators = regulators,
            Requests = [.. log.Records],
            Faults = faults.Windows,
            Grace = Grace,
            Duration = duration,
            LoadTime = loadEnded - began,
            SettleTime = settled - loadEnded,
            Recovery = recovery,
            PostgresKept = postgresKept!,
            Conservation = await LedgerChecks.ConservationAsync(db),
            Chains = await LedgerChecks.ChainsAsync(db),
            RowsWithoutOneKey = await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db),
            Events = await LedgerChecks.EventsAsync(db),
            Pending = await PendingAsync(db),
            ProviderDisagreements = disagreements,
            Ledger = await LedgerFiguresAsync(db),
        };
        var markdown = report.ToMarkdown();
        output.WriteLine(markdown);
        var path = Environment.GetEnvironmentVariable("ONEGATE_CHAOS_REPORT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "chaos-report.md");
        await File.WriteAllTextAsync(path, markdown);
        output.WriteLine($"report written to {path}");

        Assert.Equal(6, faults.Windows.Count);
        Assert.Equal(postgresKept!.Before, postgresKept.After);
        Assert.True(report.Conservation.Holds, "conservation does not hold");
        Assert.Empty(report.Chains.Breaks);
        Assert.Empty(report.RowsWithoutOneKey);
        Assert.Empty(users.IdempotencyViolations);
        Assert.True(report.Events.Holds, "events: " + report.Events);
        Assert.Equal(0L, report.Pending.Pending);
        Assert.Empty(report.ProviderDisagreements);
        Assert.Empty(report.Unexpected);
        Assert.All(regulators, r => Assert.Empty(r.Duplicates));
        Assert.True(users.UsersRegistered >= userCount / 2, $"only {users.UsersRegistered} of {userCount} users registered");
    }

    /// <summary>
    /// The fault schedule, as shares of the load's duration; each fault waits for full recovery. Returns how
    /// many ledger rows committed before the Postgres restart were there after it.
    /// </summary>
    private static async Task<DurabilityCheck> InjectAsync(FaultInjector faults, DateTimeOffset began, TimeSpan duration, NpgsqlConnection db)
    {
        async Task At(double share)
        {
            var wait = began + duration * share - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        await At(0.08);
        await faults.SlowAndFailingProviderAsync(TimeSpan.FromSeconds(Math.Max(5, duration.TotalSeconds * 0.2)), latencyMs: 1_500, failureRate: 0.5);
        await At(0.2);
        await faults.KillAndStartAsync("payment");
        await At(0.35);
        await faults.RestartAsync("redis");
        await At(0.5);
        var committed = await CommittedIdsAsync(db);
        await faults.RestartAsync("postgres");
        // Its server is gone, and so are the other sessions idle in this process's pool, which Npgsql would hand
        // out one by one (it does not drop them when one turns out dead): clear the pool, then open a fresh one.
        await db.CloseAsync();
        NpgsqlConnection.ClearPool(db);
        await db.OpenAsync();
        // Exactly the rows seen committed before the restart (a row with a lower id committing later must not count).
        await using var after = new NpgsqlCommand("SELECT count(*) FROM historical_transactions WHERE id = ANY($1)", db) { Parameters = { new() { Value = committed } } };
        var kept = new DurabilityCheck(committed.Length, (long)(await after.ExecuteScalarAsync())!);
        await At(0.65);
        await faults.KillAndStartAsync("payment");
        await At(0.8);
        await faults.RestartAsync("kafka");
        return kept;
    }

    private static async Task<long[]> CommittedIdsAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(array_agg(id), '{}') FROM historical_transactions", db);
        return (long[])(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits (bounded) until the outbox is empty, no top-up is PENDING beyond the reconciliation window (then none at
    /// all) and the consumer has applied every event sent since the broker came back. The Local broker keeps its log
    /// in memory, so events sent before its restart and not yet consumed are gone: those are counted, then the
    /// outbox is replayed from the first of them (the recovery step for a lost broker log; the consumer's
    /// inbox skips what it had), and the wait repeats for every event.
    /// </summary>
    private async Task<OutboxRecovery> SettleAsync(NpgsqlConnection db, FaultWindow? brokerRestart)
    {
        var since = brokerRestart?.Recovered ?? DateTimeOffset.MinValue;
        // Settled: outbox drained, the top-ups selected by pendingFilter no longer PENDING, and every event sent since
        // the broker came back applied (what is sent and not applied after this counts as lost with the broker log).
        static string Settled(string pendingFilter) => $"""
            SELECT NOT EXISTS (SELECT 1 FROM outbox_messages WHERE sent_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM historical_transactions WHERE type = 'TOPUP' AND status = 'PENDING'{pendingFilter})
               AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE topic = $1 AND sent_at > $2
                                  AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.message_id))
            """;
        var window = FaultsApp.ReconciliationWindow;
        await WaitForAsync(db, Settled($" AND created_at < now() - interval '{window.TotalSeconds} seconds'"), since,
            "outbox drained, top-ups reconciled and every event sent after the broker restart applied");
        // A top-up answered 202 in the load's last seconds is younger than the window and may still be PENDING:
        // it, too, must settle (callback, reconciliation, or FAILED after the window) within the window.
        await WaitForAsync(db, Settled(""), since, "every top-up settled and its event applied", window + TimeSpan.FromSeconds(10));

        await using var lost = new NpgsqlCommand("""
            SELECT count(*), min(sent_at), max(sent_at) FROM outbox_messages o
             WHERE topic = $1 AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.message_id)
            """, db) { Parameters = { new() { Value = LedgerChecks.TransactionsTopic } } };
        long lostCount;
        DateTimeOffset? firstLost, lastLost;
        await using (var reader = await lost.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            lostCount = reader.GetInt64(0);
            firstLost = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            lastLost = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
        }

        long replayed = 0;
        if (firstLost is { } from)
        {
            await using var replay = new NpgsqlCommand("UPDATE outbox_messages SET sent_at = NULL WHERE topic = $1 AND sent_at >= $2", db)
            { Parameters = { new() { Value = LedgerChecks.TransactionsTopic }, new() { Value = from } } };
            replayed = await replay.ExecuteNonQueryAsync();
            await WaitForAsync(db, """
                SELECT NOT EXISTS (SELECT 1 FROM outbox_messages WHERE sent_at IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE topic = $1
                                      AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.message_id))
                """, since, "every event applied after the outbox replay");
        }

        return new OutboxRecovery(lostCount, firstLost, lastLost, replayed);
    }

    private async Task WaitForAsync(NpgsqlConnection db, string condition, DateTimeOffset since, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? SettleTimeout);
        while (true)
        {
            await using var command = new NpgsqlCommand(condition, db)
            { Parameters = { new() { Value = LedgerChecks.TransactionsTopic }, new() { Value = since } } };
            if (await command.ExecuteScalarAsync() is true)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var events = await LedgerChecks.EventsAsync(db);
                var pending = await PendingAsync(db);
                throw new Xunit.Sdk.XunitException($"the system did not settle within {timeout ?? SettleTimeout}: not reached: {what}. Events {events}; top-ups {pending}\n{fixture.DescribeLogs()}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<PendingTopUps> PendingAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM historical_transactions WHERE type = 'TOPUP' AND status = 'PENDING'", db);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PendingTopUps(reader.GetInt64(0), TimeSpan.FromSeconds((double)reader.GetDecimal(1)));
    }

    private static async Task<IReadOnlyList<LedgerFigure>> LedgerFiguresAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand(
            "SELECT type::text, status::text, count(*), sum(amount) FROM historical_transactions WHERE type <> 'TRANSFER' OR direction = 'DEBIT' GROUP BY 1, 2 ORDER BY 1, 2", db);
        var figures = new List<LedgerFigure>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            figures.Add(new LedgerFigure(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDecimal(3)));
        }

        return figures;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

public sealed record DurabilityCheck(long Before, long After);

public sealed record OutboxRecovery(long LostWithBroker, DateTimeOffset? FirstLostSentAt, DateTimeOffset? LastLostSentAt, long Replayed);

public sealed record PendingTopUps(long Pending, TimeSpan Oldest);

public sealed record LedgerFigure(string Type, string Status, long Count, decimal Amount);
