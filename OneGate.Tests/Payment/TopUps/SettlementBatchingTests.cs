using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>
/// Top-up settlements are posted in batches by the posting engine's writer, like money requests: the provider's words
/// that arrive while a batch is in flight are applied together, in one database transaction.
/// 19,000 is the sandbox's "late success" (pending at the provider for 12 s), so a top-up stays PENDING until notified.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class SettlementBatchingTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private const decimal LateSuccess = 19_000m;
    private const int TopUps = 6;
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task Notifications_arriving_while_a_settlement_waits_are_applied_together_in_one_transaction()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var ids = new List<string>();
        for (var i = 0; i < TopUps; i++)
        {
            var topUp = await payment.TopUpAsync(user, LateSuccess, "GOPAY");
            Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
            ids.Add(topUp.Json.GetProperty("transactionId").GetString()!);
        }

        // ProviderDesk signs with a partner it creates on first use (not thread-safe): create it before sending at once.
        Assert.NotNull(await provider.ChargeAsync(ids[0]));
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        (int Status, string ResponseCode)[] answers;
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", holding, holder) { Parameters = { new() { Value = user.Id } } })
            {
                await hold.ExecuteNonQueryAsync();
            }

            // The first settlement waits for the held account; the others arrive meanwhile. Released well within the
            // app's lock timeout (2 s), so none fails.
            var notified = ids.Select(id => provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, LateSuccess))).ToArray();
            await Eventually.HoldsAsync(async () => await BlockedByAsync(db, holding.ProcessID) > 0, TimeSpan.FromSeconds(10),
                "a settlement waits for the held account");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await holder.RollbackAsync();
            answers = await Task.WhenAll(notified);
        }

        Assert.All(answers, a => Assert.Equal((200, "2005600"), a));
        Assert.Equal(TopUps * LateSuccess, await payment.BalanceAsync(user));
        // xmin: the transaction that last wrote a row. One per settlement without batching; here the batch that waited,
        // at most one the second writer started beside it (the first is small) and the one that gathered behind them.
        await using var writers = new NpgsqlCommand(
            "SELECT count(DISTINCT xmin::text) FROM historical_transactions WHERE transaction_id = ANY($1) AND status = 'SUCCESS'", db)
        {
            Parameters = { new() { Value = ids.ToArray() } },
        };
        Assert.InRange((long)(await writers.ExecuteScalarAsync())!, 1, 3);
    }

    private static async Task<long> BlockedByAsync(NpgsqlConnection db, int holder)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", db)
        {
            Parameters = { new() { Value = holder } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
