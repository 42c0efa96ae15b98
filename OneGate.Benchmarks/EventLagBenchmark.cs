using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// Outbox-to-consumer lag: transfers at a steady rate (open loop, so the rate does not sag when the system
/// slows), then, per event, the time from the outbox row being written (Payment, in the money transaction)
/// to Kafka (<c>sent_at</c>) and to the Transaction service applying it (<c>processed_events.processed_at</c>).
/// </summary>
public static class EventLagBenchmark
{
    private const int Users = 8;

    public static async Task<int> RunAsync(BenchmarkOptions options, int perSecond = 50)
    {
        if (options.Postgres is null)
        {
            Console.Error.WriteLine("lag needs --postgres (lag is read from the outbox and the inbox)");
            return 2;
        }

        using var auth = new HttpClient { BaseAddress = options.Auth };
        using var payment = new HttpClient { BaseAddress = options.Payment };
        // A backlog left by an earlier load would be measured as lag: wait until every event is applied.
        if (await DrainAsync(options.Postgres, "the previous load") is { } drained)
        {
            Console.WriteLine(drained);
            Console.WriteLine();
        }

        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => TransferBenchmark.NewUserAsync(auth, payment, fund: true)));
        var since = DateTimeOffset.UtcNow;

        var sent = 0;
        var failures = 0;
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        while (clock.Elapsed < TimeSpan.FromSeconds(options.Seconds))
        {
            var from = users[sent % Users];
            var to = users[(sent + 1) % Users];
            inFlight.Add(Task.Run(async () =>
            {
                if (!await TransferBenchmark.TransferAsync(payment, from, to.Username))
                {
                    Interlocked.Increment(ref failures);
                }
            }));
            sent++;
            var next = interval * sent;
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed);
            }
        }

        await Task.WhenAll(inFlight);
        await using var db = new NpgsqlConnection(options.Postgres);
        await db.OpenAsync();
        var applied = await WaitUntilAppliedAsync(db, since, TimeSpan.FromSeconds(60));
        await using var query = new NpgsqlCommand("""
            SELECT count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.sent_at - o.created_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM o.sent_at - o.created_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.processed_at - o.created_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM p.processed_at - o.created_at)),
                   max(extract(epoch FROM p.processed_at - o.created_at))
              FROM outbox_messages o JOIN processed_events p ON p.event_id = o.message_id
             WHERE o.created_at >= $1
            """, db)
        { Parameters = { new() { Value = since } } };
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        double Ms(int i) => reader.IsDBNull(i) ? double.NaN : reader.GetDouble(i) * 1000;

        Console.WriteLine($"# OneGate outbox-to-consumer lag — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {perSecond} transfers/s for {options.Seconds} s (2 events each)");
        Console.WriteLine();
        Console.WriteLine("| events | transfer failures | all applied | outbox → Kafka p50 ms | p99 ms | outbox → applied p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {reader.GetInt64(0)} | {failures} | {(applied ? "yes" : "NO")} | {Ms(1):F1} | {Ms(2):F1} | {Ms(3):F1} | {Ms(4):F1} | {Ms(5):F1} |"));
        return failures == 0 && applied ? 0 : 1;
    }

    /// <summary>
    /// Waits until every outbox event is published and applied, and reports how fast relay + consumer worked
    /// off what was left (a row's latency must not be the previous row's backlog competing for the cores).
    /// </summary>
    internal static async Task<string?> DrainAsync(string postgres, string leftBy)
    {
        await using var db = new NpgsqlConnection(postgres);
        await db.OpenAsync();
        var backlog = await NotAppliedAsync(db, DateTimeOffset.MinValue);
        if (backlog == 0)
        {
            return null;
        }

        var drain = Stopwatch.StartNew();
        return await WaitUntilAppliedAsync(db, DateTimeOffset.MinValue, TimeSpan.FromMinutes(5))
            ? string.Create(CultureInfo.InvariantCulture, $"Backlog left by {leftBy}: {backlog} events not yet applied, worked off in {drain.Elapsed.TotalSeconds:F1} s ({backlog / drain.Elapsed.TotalSeconds:F0} events/s published and applied).")
            : string.Create(CultureInfo.InvariantCulture, $"Backlog left by {leftBy}: {backlog} events not yet applied, NOT worked off within 5 minutes.");
    }

    /// <summary>Outbox events written since <paramref name="since"/> that the consumer has not applied yet.</summary>
    private static async Task<long> NotAppliedAsync(NpgsqlConnection db, DateTimeOffset since)
    {
        await using var pending = new NpgsqlCommand("""
            SELECT count(*) FROM outbox_messages o
             WHERE o.topic = 'onegate.transactions.v1' AND o.created_at >= $1
               AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.message_id)
            """, db)
        { Parameters = { new() { Value = since } } };
        return (long)(await pending.ExecuteScalarAsync())!;
    }

    /// <summary>True once every outbox event written since <paramref name="since"/> is in the consumer's inbox.</summary>
    private static async Task<bool> WaitUntilAppliedAsync(NpgsqlConnection db, DateTimeOffset since, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await NotAppliedAsync(db, since) == 0)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
