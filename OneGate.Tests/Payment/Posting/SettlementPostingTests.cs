using System.Net;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.Posting;

/// <summary>
/// Top-up settlements go through the posting engine: they lock the top-up's account before its TOPUP row, like every
/// batch, so they race payments and transfers on the same accounts without deadlock; each top-up is credited once
/// whatever the number and order of the words on it; and a settlement batch cut off mid-way leaves nothing.
/// 16,000 is the sandbox's "pending, settled a second later without a notification" (the app's reconciliation asks
/// after 3 s); 19,000 its "late success" (pending at the provider for 12 s), so a top-up stays PENDING during a test.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class SettlementPostingTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private const decimal PendingSilent = 16_000m;
    private const decimal LateSuccess = 19_000m;
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task Settlements_racing_payments_and_transfers_on_the_same_accounts_credit_each_top_up_once_and_never_deadlock()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => payment.FundedUserAsync(auth, 1_000_000m)));
        var topUps = new List<(TestUser User, string Id)>();
        foreach (var user in users)
        {
            topUps.AddRange((await PendingTopUpsAsync(user, PendingSilent, 5)).Select(id => (user, id)));
        }

        await using var first = await PostingReplica.StartAsync(fixture, "settle-race-1");
        await using var second = await PostingReplica.StartAsync(fixture, "settle-race-2");
        await using var db = await OpenAsync();
        // ProviderDesk signs with a partner it creates on first use (not thread-safe): create it before the race.
        Assert.NotNull(await provider.ChargeAsync(topUps[0].Id));
        var deadlocksBefore = await ScalarAsync<long>(db, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");

        // Each top-up: two notifications through the app and the provider's word through each replica (as status inquiries
        // give it); meanwhile transfers between every pair in both directions from all three, and payments.
        var racers = topUps.SelectMany(t => new Func<Task<string>>[]
        {
            () => NotifiedAsync(t.Id),
            () => SettledAsync(first.Engine, t.User, t.Id),
            () => NotifiedAsync(t.Id),
            () => SettledAsync(second.Engine, t.User, t.Id),
        }).ToList();
        var transfers = Enumerable.Range(0, 60).Select(i => (From: users[i % 3], To: users[(i + 1 + (i / 3 % 2)) % 3], Amount: 1_000m + i)).ToList();
        racers.AddRange(transfers.Select((t, i) => (i % 3) switch
        {
            0 => () => PostedAsync(first.Engine, new PostingRequest.Transfer(t.From.Id, t.To.Id, t.Amount, null)),
            1 => () => PostedAsync(second.Engine, new PostingRequest.Transfer(t.From.Id, t.To.Id, t.Amount, null)),
            _ => (Func<Task<string>>)(async () => Answered(await payment.TransferAsync(t.From, t.To, t.Amount))),
        }));
        racers.AddRange(Enumerable.Range(0, 15).Select(i => (Func<Task<string>>)(async () => Answered(await payment.PayAsync(users[i % 3], 2_000m)))));
        var random = new Random(18);

        var outcomes = await Task.WhenAll(racers.OrderBy(_ => random.Next()).Select(r => Task.Run(r)));

        Assert.All(outcomes, o => Assert.Equal("ok", o));
        Assert.Equal(topUps.Count, await ScalarAsync<long>(db,
            "SELECT count(*) FROM historical_transactions WHERE transaction_id = ANY($1) AND status = 'SUCCESS'", topUps.Select(t => t.Id).ToArray()));
        foreach (var user in users)
        {
            var expected = 1_000_000m + (5 * PendingSilent) - transfers.Where(t => t.From == user).Sum(t => t.Amount)
                + transfers.Where(t => t.To == user).Sum(t => t.Amount) - (5 * 2_000m);
            Assert.Equal(expected, await payment.BalanceAsync(user));
        }

        var userIds = users.Select(u => u.Id).ToArray();
        Assert.Equal(0m, await ScalarAsync<decimal>(db, "SELECT sum(pending_top_ups) FROM accounts WHERE user_id = ANY($1)", userIds));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, userIds))).Breaks);
        Assert.Equal(deadlocksBefore, await ScalarAsync<long>(db, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"));
    }

    [Fact]
    public async Task A_settlement_batch_cut_off_mid_way_leaves_nothing_and_its_retry_credits_each_top_up_once()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var ids = await PendingTopUpsAsync(user, LateSuccess, 3);
        await using var replica = await PostingReplica.StartAsync(fixture, "settle-cut", o => { o.Writers = 1; o.LockTimeout = TimeSpan.FromSeconds(30); });
        await using var db = await OpenAsync();
        await using var holdingAccount = await OpenAsync();
        await using var holdingCharge = await OpenAsync();
        await using var accountHolder = await holdingAccount.BeginTransactionAsync();
        await using var chargeHolder = await holdingCharge.BeginTransactionAsync();
        await ExecuteAsync(holdingAccount, accountHolder, "SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", user.Id);
        // The second top-up's inquiry schedule: the batch credits both top-ups, then waits here to stop asking about it.
        await ExecuteAsync(holdingCharge, chargeHolder, "SELECT 1 FROM top_up_charges WHERE transaction_id = $1 FOR UPDATE", ids[2]);

        // A first word holds the writer on the account, so the next two gather into one batch behind it.
        var opening = replica.Engine.SettleAsync(user.Id, Taken(ids[0], LateSuccess));
        await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30), "the first batch waits for the account");
        var cut = new[] { replica.Engine.SettleAsync(user.Id, Taken(ids[1], LateSuccess)), replica.Engine.SettleAsync(user.Id, Taken(ids[2], LateSuccess)) };
        await accountHolder.RollbackAsync();
        Assert.Equal(TransactionStatus.Success, (await opening)?.Status);
        await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30), "the batch of two waits mid-way");

        Assert.Equal(1, await ScalarAsync<long>(db, """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'
            """, replica.ApplicationName));
        Assert.Equal(LateSuccess, await payment.BalanceAsync(user));
        Assert.Equal(2 * LateSuccess, await ScalarAsync<decimal>(db, "SELECT pending_top_ups FROM accounts WHERE user_id = $1", user.Id));
        await chargeHolder.RollbackAsync();

        Assert.All(await Task.WhenAll(cut), changed => Assert.Equal(TransactionStatus.Success, changed?.Status));
        Assert.Equal(3 * LateSuccess, await payment.BalanceAsync(user));
        Assert.Equal(0m, await ScalarAsync<decimal>(db, "SELECT pending_top_ups FROM accounts WHERE user_id = $1", user.Id));
        // Both committed by the retry, in one transaction; the first word's batch alone before it.
        Assert.Equal(2, await ScalarAsync<long>(db, "SELECT count(DISTINCT xmin::text) FROM historical_transactions WHERE transaction_id = ANY($1)", ids));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, [user.Id]))).Breaks);
        Assert.Equal(0, await ScalarAsync<long>(db, "SELECT count(*) FROM top_up_charges WHERE transaction_id = ANY($1) AND next_inquiry_at IS NOT NULL", ids));
    }

    [Fact]
    public async Task A_settlement_waiting_on_an_account_a_stuck_session_holds_fails_retryably_and_changes_nothing()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var ids = await PendingTopUpsAsync(user, LateSuccess, 1);
        await using var replica = await PostingReplica.StartAsync(fixture, "settle-stuck", o => o.LockTimeout = TimeSpan.FromMilliseconds(500));
        await using var holding = await OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await ExecuteAsync(holding, holder, "SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", user.Id);

        var answer = replica.Engine.SettleAsync(user.Id, Taken(ids[0], LateSuccess));

        Assert.Same(answer, await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.True(ProblemDetailsDefaults.IsDependencyUnavailable(await Assert.ThrowsAsync<TimeoutException>(() => answer)));
        await holder.RollbackAsync();
        Assert.Equal("PENDING", (await payment.TransactionAsync(user, ids[0]))!.Value.GetProperty("status").GetString());
        Assert.Equal(0m, await payment.BalanceAsync(user));
    }

    private static TopUpWord.Taken Taken(string id, decimal amount) => new(id, "provider-ref", amount);

    private async Task<string[]> PendingTopUpsAsync(TestUser user, decimal amount, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var topUp = await payment.TopUpAsync(user, amount, "GOPAY");
            Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
            ids.Add(topUp.Json.GetProperty("transactionId").GetString()!);
        }

        return [.. ids];
    }

    private async Task<string> NotifiedAsync(string id)
    {
        var answer = await provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, PendingSilent));
        return answer == (200, "2005600") ? "ok" : $"notification of {id}: {answer}";
    }

    private static async Task<string> SettledAsync(PostingEngine engine, TestUser user, string id)
    {
        // Null when another word credited it first; the final state is checked once all have run.
        await engine.SettleAsync(user.Id, Taken(id, PendingSilent));
        return "ok";
    }

    private static async Task<string> PostedAsync(PostingEngine engine, PostingRequest request)
    {
        var key = Guid.NewGuid().ToString();
        var answer = await engine.PostAsync(request, key, outcome => PostingReplica.StoredAnswer(request.UserId, key, outcome));
        return answer is PostingAnswer.Answered { Outcome: PostingOutcome.Posted } ? "ok" : $"{request}: {answer}";
    }

    private static string Answered(PaymentApi.Response response) => response.Status == HttpStatusCode.Created ? "ok" : $"{(int)response.Status} {response.Body}";

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction transaction, string sql, object value)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction) { Parameters = { new() { Value = value } } };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection db, string sql, object? value = null)
    {
        await using var command = new NpgsqlCommand(sql, db);
        if (value is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> WaitingAsync(NpgsqlConnection db, string applicationName) =>
        await ScalarAsync<long>(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", applicationName);

    private static async Task<Guid[]> AccountIdsAsync(NpgsqlConnection db, int[] users)
    {
        await using var command = new NpgsqlCommand("SELECT array_agg(id) FROM accounts WHERE user_id = ANY($1)", db) { Parameters = { new() { Value = users } } };
        return (Guid[])(await command.ExecuteScalarAsync())!;
    }
}
