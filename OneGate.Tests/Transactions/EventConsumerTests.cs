using Confluent.Kafka;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Transactions;

/// <summary>Payment's events applied by the Transaction service's consumer group: once each, poison set aside.</summary>
[Collection(OneGateAppCollection.Name)]
public sealed class EventConsumerTests(OneGateAppFixture fixture)
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
