using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Transactions;

/// <summary>Payment's events applied by the Transaction service's consumer group: once each, poison set aside.</summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class EventConsumerTests(OneGateAppFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task A_redelivered_event_is_applied_once_and_a_poison_message_is_dead_lettered_without_blocking()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var paid = await payment.PayAsync(user, 2_500m);
        var transactionId = paid.Json.GetProperty("transactionId").GetString()!;
        var bootstrap = await fixture.App.GetConnectionStringAsync("kafka");

        // The real event as Payment published it, and where the consumer recorded it.
        var (key, value, eventId) = await KafkaEvents.FindAsync(fixture, transactionId);
        var originalOffset = await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT \"offset\" FROM processed_events WHERE event_id = $1", eventId));

        // Redeliver it, then a poison message on the same partition (same key) behind it.
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        await producer.ProduceAsync("onegate.transactions.v1", new Message<string, string> { Key = key, Value = value });
        var poison = "{\"this is\": \"not an event\", \"marker\": \"" + Guid.NewGuid() + "\"}";
        await producer.ProduceAsync("onegate.transactions.v1", new Message<string, string> { Key = key, Value = poison });

        // Once the poison is dead-lettered, the duplicate before it has been handled.
        await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT id FROM dead_letter_events WHERE payload = $1", poison));
        await using var check = await OpenAsync();
        Assert.Equal(originalOffset, await ScalarAsync<long?>(check, "SELECT \"offset\" FROM processed_events WHERE event_id = $1", eventId));
        Assert.Equal(1L, await ScalarAsync<long?>(check, "SELECT count(*) FROM report_transactions WHERE transaction_id = $1", transactionId));

        // And the partition moved on: a new transaction of the same account is still applied.
        var later = (await payment.PayAsync(user, 100m)).Json.GetProperty("transactionId").GetString()!;
        await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT count(*) FROM report_transactions WHERE transaction_id = $1 HAVING count(*) > 0", later));
    }

    [Fact]
    public async Task Daily_totals_equal_a_recomputation_from_the_ledger_once_the_consumer_has_caught_up()
    {
        var user = await payment.FundedUserAsync(auth, 300_000m);
        var friend = await TestUsers.RegisterAndLoginAsync(auth);
        await payment.PayAsync(user, 12_345.67m);
        await payment.TransferAsync(user, friend, 1_000m);
        await payment.TopUpAsync(user, 15_000m); // PENDING, then SUCCESS by callback: counted once, as SUCCESS

        // Once nothing is left in the outbox and every event is applied, the totals match the ledger. (Other
        // tests share this app and dead-letter poison on purpose, so only these figures are judged here.)
        var events = await WaitForAsync(async db =>
            await LedgerChecks.EventsAsync(db) is { Unsent: 0, NotApplied: 0 } caughtUp ? caughtUp : null, within: TimeSpan.FromSeconds(45));

        Assert.Equal(0L, events.TotalsMismatches);
    }

    [Fact]
    public async Task A_backlog_with_duplicates_and_poison_is_applied_in_batches_exactly_once()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => payment.FundedUserAsync(auth, 1_000_000m)));
        var userIds = users.Select(u => u.Id).ToArray();
        var poison = "{\"not an event\": \"" + Guid.NewGuid() + "\"}";
        var copies = 0;
        DateTimeOffset released;

        // While the test holds a lock that blocks inserts into the inbox, the consumers (both replicas) wait on
        // their current batch and Payment's events pile up behind it: transfers both ways, payments, and top-ups
        // (PENDING, then SUCCESS: one transaction changing within a batch). Holding a lock rather than stopping
        // the replicas keeps the test clear of process restarts (a second restart of a replicated project in one
        // app run has come back without its URLs, on Kestrel's default port).
        await using var holder = await OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await using (var block = new NpgsqlCommand("LOCK TABLE processed_events IN SHARE ROW EXCLUSIVE MODE", holder, hold))
        {
            await block.ExecuteNonQueryAsync();
        }

        try
        {
            var moves = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => (i % 8) switch
            {
                0 => payment.TopUpAsync(users[i % 4], 20_000m),
                1 => payment.PayAsync(users[i % 4], 1_234.56m),
                _ => payment.TransferAsync(users[i % 4], users[(i + 1 + (i / 8 % 3)) % 4], 1_000m + i),
            }));
            Assert.All(moves, m => Assert.True(m.Status == HttpStatusCode.Created, m.Body));
            foreach (var (topUp, i) in moves.Select((m, i) => (m, i)).Where(m => m.i % 8 == 0))
            {
                await payment.SettledAsync(users[i % 4], topUp.Json.GetProperty("transactionId").GetString()!, TimeSpan.FromSeconds(30));
            }

            // Once all of them are in Kafka, copies of every third one follow, with a poison message in the middle.
            await WaitForAsync(async db => await ScalarAsync<long?>(db, """
                SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND (payload->'transaction'->>'userId')::int = ANY($1) HAVING count(*) = 0
                """, userIds));
            var events = await OutboxEventsAsync(userIds);
            var copied = events.Where((_, i) => i % 3 == 0).ToList();
            copies = copied.Count;
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka") }).Build();
            foreach (var (key, value, _) in copied.Take(copies / 2))
            {
                await producer.ProduceAsync(KafkaEvents.Topic, new Message<string, string> { Key = key, Value = value });
            }

            await producer.ProduceAsync(KafkaEvents.Topic, new Message<string, string> { Key = events[0].Key, Value = poison });
            foreach (var (key, value, _) in copied.Skip(copies / 2))
            {
                await producer.ProduceAsync(KafkaEvents.Topic, new Message<string, string> { Key = key, Value = value });
            }
        }
        finally
        {
            released = DateTimeOffset.UtcNow;
            await hold.RollbackAsync();
        }

        var caughtUp = await WaitForAsync(async db =>
            await LedgerChecks.EventsAsync(db) is { Unsent: 0, NotApplied: 0 } report
            && await ScalarAsync<long?>(db, "SELECT count(*) FROM dead_letter_events WHERE payload = $1", poison) > 0 ? report : null,
            within: TimeSpan.FromSeconds(60));
        Assert.Equal(0L, caughtUp.TotalsMismatches);

        await using var check = await OpenAsync();
        var eventIds = (await OutboxEventsAsync(userIds)).Select(e => e.EventId).ToArray();
        Assert.Equal(1L, await ScalarAsync<long?>(check, "SELECT count(*) FROM dead_letter_events WHERE payload = $1", poison));
        Assert.Equal(eventIds.Length, await ScalarAsync<long?>(check, "SELECT count(*) FROM processed_events WHERE event_id = ANY($1)", eventIds));
        Assert.Equal(0L, await ScalarAsync<long?>(check, """
            SELECT count(*) FROM historical_transactions h JOIN report_transactions r USING (transaction_id)
             WHERE h.user_id = ANY($1) AND (r.status <> h.status::text OR r.amount <> h.amount)
            """, userIds));

        // Applied in batches: the events one database transaction applied share its timestamp.
        await using (var batches = new NpgsqlCommand("""
            SELECT count(*), max(n), sum(n)::bigint FROM (SELECT count(*) AS n FROM processed_events WHERE event_id = ANY($1) AND processed_at >= $2 GROUP BY processed_at) b
            """, check) { Parameters = { new() { Value = eventIds }, new() { Value = released } } })
        await using (var reader = await batches.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            output.WriteLine($"{reader.GetInt64(2)} events applied after the lock was released in {reader.GetInt64(0)} transactions, the largest of {reader.GetInt64(1)} events ({copies} copies skipped, 1 poison set aside)");
            Assert.True(reader.GetInt64(1) > 1, "every event was applied in a transaction of its own");
        }

        // And the partition moved on past the poison.
        var later = (await payment.PayAsync(users[0], 100m)).Json.GetProperty("transactionId").GetString()!;
        await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT count(*) FROM report_transactions WHERE transaction_id = $1 HAVING count(*) > 0", later));
    }

    [Fact]
    public async Task An_event_the_database_refuses_is_dead_lettered_alone_and_the_events_around_it_are_applied_once()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var transactionId = (await payment.PayAsync(user, 2_500m)).Json.GetProperty("transactionId").GetString()!;
        var (key, value, eventId) = await KafkaEvents.FindAsync(fixture, transactionId);
        var originalOffset = await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT \"offset\" FROM processed_events WHERE event_id = $1", eventId));

        // Well-formed, but its type does not fit the column: the whole batch fails until the consumer falls back
        // to one event at a time and sets this one aside. It is sent amid copies of a real event, in one burst.
        var refusedId = Guid.NewGuid();
        var refused = JsonSerializer.Serialize(new
        {
            eventId = refusedId, eventType = "transaction.created", version = 1,
            transaction = new
            {
                transactionId = "TX-REFUSED-" + refusedId.ToString("N")[..16], userId = user.Id, type = "A_TYPE_LONGER_THAN_ITS_COLUMN",
                status = "SUCCESS", direction = "DEBIT", amount = 1.00m, paymentMethod = (string?)null, isAccessibleExternal = true,
                createdAt = DateTimeOffset.UtcNow, updatedAt = DateTimeOffset.UtcNow,
            },
        });
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka") }).Build())
        {
            foreach (var message in Enumerable.Repeat(value, 5).Append(refused).Concat(Enumerable.Repeat(value, 5)))
            {
                producer.Produce(KafkaEvents.Topic, new Message<string, string> { Key = key, Value = message });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        var later = (await payment.PayAsync(user, 100m)).Json.GetProperty("transactionId").GetString()!;
        await WaitForAsync(async db => await ScalarAsync<long?>(db, "SELECT count(*) FROM report_transactions WHERE transaction_id = $1 HAVING count(*) > 0", later),
            within: TimeSpan.FromSeconds(60));

        await using var check = await OpenAsync();
        Assert.Equal(1L, await ScalarAsync<long?>(check, "SELECT count(*) FROM dead_letter_events WHERE payload = $1", refused));
        Assert.Equal(0L, await ScalarAsync<long?>(check, "SELECT count(*) FROM processed_events WHERE event_id = $1", refusedId));
        Assert.Equal(originalOffset, await ScalarAsync<long?>(check, "SELECT \"offset\" FROM processed_events WHERE event_id = $1", eventId));
        var events = await WaitForAsync(async db =>
            await LedgerChecks.EventsAsync(db) is { Unsent: 0, NotApplied: 0 } caughtUp ? caughtUp : null, within: TimeSpan.FromSeconds(45));
        Assert.Equal(0L, events.TotalsMismatches);
    }

    /// <summary>The events Payment's outbox holds for these users, in the order it wrote them.</summary>
    private async Task<List<(string Key, string Value, Guid EventId)>> OutboxEventsAsync(int[] userIds)
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT message_key, payload::text, message_id FROM outbox_messages
             WHERE topic = $1 AND (payload->'transaction'->>'userId')::int = ANY($2) ORDER BY id
            """, db) { Parameters = { new() { Value = KafkaEvents.Topic }, new() { Value = userIds } } };
        var events = new List<(string, string, Guid)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetString(1), reader.GetGuid(2)));
        }

        return events;
    }

    private async Task<T> WaitForAsync<T>(Func<NpgsqlConnection, Task<T?>> probe, TimeSpan? within = null)
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var db = await OpenAsync();
            var value = await probe(db);
            if (value is not null)
            {
                return value;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(300);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection db, string sql, object? parameter = null, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
