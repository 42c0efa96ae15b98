using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

/// <summary>
/// Many concurrent payments and transfers (both directions between the same accounts), each retried with
/// its own key, then the ledger's invariants checked exactly in the database, and the outbox's events
/// checked in Kafka; against the Payment replica the derived class names (<see cref="LedgerInvariantTests"/>: the
/// app's, posting through the engine; <see cref="Posting.UnbatchedLedgerInvariantTests"/>: one transaction per request).
/// </summary>
public abstract class LedgerInvariants(OneGateAppFixture fixture, HttpClient paymentClient)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(paymentClient);

    [Fact]
    public async Task Concurrent_transfers_and_payments_with_retries_keep_every_invariant()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => payment.FundedUserAsync(auth, 1_000_000m)));
        var random = new Random(20261124);
        var operations = Enumerable.Range(0, 80).Select(i =>
        {
            var from = users[random.Next(users.Length)];
            var to = users[(Array.IndexOf(users, from) + 1 + random.Next(users.Length - 1)) % users.Length];
            var amount = Math.Round((decimal)random.Next(1_000, 60_000) + random.Next(0, 100) / 100m, 2);
            var key = Guid.NewGuid().ToString();
            return i % 4 == 0
                ? (Func<Task<PaymentApi.Response>>)(() => payment.PayAsync(from, amount, key: key))
                : () => payment.TransferAsync(from, to, amount, key);
        }).ToList();

        // Each operation is sent twice with the same key, concurrently with everything else.
        var results = await Task.WhenAll(operations.SelectMany(op => new[] { op(), op() }));

        Assert.All(results, r => Assert.True(
            r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict || r.Body.Contains("INSUFFICIENT_FUNDS", StringComparison.Ordinal),
            $"{(int)r.Status} {r.Body}"));
        var created = results.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Json.GetProperty("transactionId").GetString()).Distinct().Count();
        Assert.True(created >= 40, $"only {created} movements succeeded");

        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var accountIds = new List<Guid>();
        foreach (var user in users)
        {
            await using var find = new NpgsqlCommand("SELECT id FROM accounts WHERE user_id = $1", db) { Parameters = { new() { Value = user.Id } } };
            accountIds.Add((Guid)(await find.ExecuteScalarAsync())!);
        }

        foreach (var (user, accountId) in users.Zip(accountIds))
        {
            var balance = await payment.BalanceAsync(user);
            Assert.True(balance >= 0);
            await using var stored = new NpgsqlCommand("SELECT balance FROM accounts WHERE id = $1", db) { Parameters = { new() { Value = accountId } } };
            Assert.Equal(balance, (decimal)(await stored.ExecuteScalarAsync())!);
        }

        var chains = await LedgerChecks.ChainsAsync(db, [.. accountIds]);
        Assert.Empty(chains.Breaks);
        Assert.Equal(users.Length, chains.Accounts);

        // Every idempotency key moved money at most once: each movement is tied to exactly one key.
        Assert.Empty(await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db, [.. users.Select(u => u.Id)]));
    }

    [Fact]
    public async Task Opposite_transfers_between_two_accounts_do_not_deadlock()
    {
        var a = await payment.FundedUserAsync(auth, 1_000_000m);
        var b = await payment.FundedUserAsync(auth, 1_000_000m);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? payment.TransferAsync(a, b, 1_000m) : payment.TransferAsync(b, a, 1_500m)));

        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.Created, r.Body));
        Assert.Equal(1_000_000m - 20 * 1_000m + 20 * 1_500m, await payment.BalanceAsync(a));
        Assert.Equal(1_000_000m + 20 * 1_000m - 20 * 1_500m, await payment.BalanceAsync(b));
    }

    [Fact]
    public async Task System_wide_total_equals_top_ups_minus_payments_plus_refunds()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();

        var totals = await LedgerChecks.ConservationAsync(db);

        Assert.Equal(totals.TopUps - totals.Payments + totals.Refunds, totals.Balances);
        Assert.Equal(0m, totals.TransferNet);
    }

    [Fact]
    public async Task Every_committed_transaction_reaches_Kafka_once_keyed_by_account()
    {
        var user = await payment.FundedUserAsync(auth, 200_000m);
        var other = await TestUsers.RegisterAndLoginAsync(auth);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await payment.PayAsync(user, 1_000m)).Json.GetProperty("transactionId").GetString()!);
            ids.Add((await payment.TransferAsync(user, other, 1_000m)).Json.GetProperty("transactionId").GetString()!);
        }

        using var consumer = await KafkaEvents.NewConsumerAsync(fixture);
        var seen = new Dictionary<string, int>();
        var keys = new Dictionary<string, string>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (DateTimeOffset.UtcNow < deadline && !ids.All(seen.ContainsKey))
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (message is null)
            {
                continue;
            }

            using var json = JsonDocument.Parse(message.Message.Value);
            var transaction = json.RootElement.GetProperty("transaction");
            var id = transaction.GetProperty("transactionId").GetString()!;
            if (json.RootElement.GetProperty("eventType").GetString() == "transaction.committed")
            {
                seen[id] = seen.GetValueOrDefault(id) + 1;
                keys[id] = message.Message.Key;
                Assert.Equal(transaction.GetProperty("accountId").GetString(), message.Message.Key);
            }
        }

        consumer.Close();
        Assert.All(ids, id => Assert.True(seen.GetValueOrDefault(id) == 1, $"{id} seen {seen.GetValueOrDefault(id)} times"));
        Assert.Single(ids.Select(id => keys[id]).Distinct());
    }
}
