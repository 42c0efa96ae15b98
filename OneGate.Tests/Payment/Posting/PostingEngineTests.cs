using Microsoft.Extensions.Hosting;
using Npgsql;
using OneGate.Payment.Ledger;
using OneGate.ServiceDefaults.Caching;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Payment.Posting;

/// <summary>
/// What batching adds to the ledger's guarantees: each request in a batch gets its own outcome, batches of several
/// replicas on the same accounts never deadlock, and a batch cut off mid-way leaves nothing and is answered by its retry.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class PostingEngineTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task A_batch_with_refused_requests_posts_the_others_and_leaves_exact_balances()
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var poor = await payment.FundedUserAsync(auth, 10_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-one-batch");
        QueuedPosting[] batch =
        [
            PostingReplica.Queued(new PostingRequest.Pay(payer.Id, 10_000m, "Shop", null, null)),
            PostingReplica.Queued(new PostingRequest.Pay(poor.Id, 50_000m, "Shop", null, null)),
            PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 20_000m, null)),
            PostingReplica.Queued(new PostingRequest.Transfer(poor.Id, poor.Id, 1_000m, null)),
            PostingReplica.Queued(new PostingRequest.Transfer(poor.Id, shop.Id, 4_000m, null)),
            PostingReplica.Queued(new PostingRequest.Pay(payer.Id, 80_000m, "Shop", null, null)),
            PostingReplica.Queued(new PostingRequest.Pay(payer.Id, 70_000m, "Shop", null, null)),
        ];

        var answers = await replica.PostOneBatchAsync(batch);

        Assert.Equal(["Posted", "InsufficientFunds", "Posted", "SelfTransfer", "Posted", "InsufficientFunds", "Posted"], answers.Select(Describe));
        Assert.Equal(100_000m - 10_000m - 20_000m - 70_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m - 4_000m, await payment.BalanceAsync(poor));
        Assert.Equal(10_000m + 20_000m + 4_000m, await payment.BalanceAsync(shop));
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, payer, poor, shop))).Breaks);
        Assert.Empty(await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db, [payer.Id, poor.Id, shop.Id]));
        Assert.Equal(batch.Length, await KeysStoredAsync(db, batch));
    }

    [Fact]
    public async Task Batches_of_two_replicas_and_the_app_on_the_same_accounts_never_deadlock()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => payment.FundedUserAsync(auth, 1_000_000m)));
        // One replica posts every request alone in the single-request statements, the other in multi-row batches: the two
        // shapes lock in the same order too.
        await using var first = await PostingReplica.StartAsync(fixture, "posting-replica-1", o => { o.SingleRequestShape = true; o.MaxBatch = 1; });
        await using var second = await PostingReplica.StartAsync(fixture, "posting-replica-2", o => o.SingleRequestShape = false);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var deadlocksBefore = await DeadlocksAsync(db);

        // Every pair of the three accounts, in both directions, from two engines and the app at once.
        var transfers = Enumerable.Range(0, 120).Select(i => (From: users[i % 3], To: users[(i + 1 + i / 3 % 2) % 3], Amount: 1_000m + i)).ToList();
        var posted = await Task.WhenAll(transfers.Select((t, i) => (i % 3) switch
        {
            0 => PostAsync(first.Engine, new PostingRequest.Transfer(t.From.Id, t.To.Id, t.Amount, null)),
            1 => PostAsync(second.Engine, new PostingRequest.Transfer(t.From.Id, t.To.Id, t.Amount, null)),
            _ => payment.TransferAsync(t.From, t.To, t.Amount).ContinueWith(r => r.Result.Status == System.Net.HttpStatusCode.Created ? "Posted" : r.Result.Body),
        }));

        Assert.All(posted, p => Assert.Equal("Posted", p));
        foreach (var user in users)
        {
            var expected = 1_000_000m - transfers.Where(t => t.From == user).Sum(t => t.Amount) + transfers.Where(t => t.To == user).Sum(t => t.Amount);
            Assert.Equal(expected, await payment.BalanceAsync(user));
        }

        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, users))).Breaks);
        Assert.Equal(deadlocksBefore, await DeadlocksAsync(db));
    }

    [Fact]
    public async Task A_batch_whose_session_is_terminated_mid_way_leaves_nothing_and_its_retry_answers_once()
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-cut");
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var requests = Enumerable.Range(0, 5).Select(i => PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m * (i + 1), null))).ToArray();

        // Hold the shop's row: the batch waits for it mid-transaction (after opening and locking what comes first) and is cut off there.
        // Another session holds it: pg_stat_activity reads as a snapshot within a transaction.
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", holding, holder) { Parameters = { new() { Value = shop.Id } } })
            {
                await hold.ExecuteNonQueryAsync();
            }

            var answers = requests.Select(q => replica.Engine.PostAsync(q.Request, q.IdempotencyKey, q.Answer)).ToArray();
            await Eventually.HoldsAsync(async () => await TerminateWaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "the batch waits for the held account");
            Assert.Equal(0, await KeysStoredAsync(db, requests));
            await holder.RollbackAsync();

            Assert.All(await Task.WhenAll(answers), a => Assert.Equal("Posted", Describe(a)));
        }

        Assert.Equal(100_000m - 15_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m + 15_000m, await payment.BalanceAsync(shop));
        Assert.Equal(requests.Length, await KeysStoredAsync(db, requests));
        Assert.Empty(await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db, [payer.Id, shop.Id]));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, payer, shop))).Breaks);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_a_request_whose_client_left_before_its_batch_is_never_posted()
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-bounded", o => { o.Writers = 1; o.MaxBatch = 1; o.MaxQueued = 4; });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        var requests = Enumerable.Range(0, 12).Select(i => PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m + i, null))).ToArray();
        using var left = new CancellationTokenSource();
        (QueuedPosting Request, Task<PostingAnswer>? Answer)[] attempts;
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", holding, holder) { Parameters = { new() { Value = shop.Id } } })
            {
                await hold.ExecuteNonQueryAsync();
            }

            // The first batch waits for the held row; one request joins the line (its client will leave), then ten
            // more arrive at once for the line's three other places.
            var first = replica.Engine.PostAsync(requests[0].Request, requests[0].IdempotencyKey, requests[0].Answer);
            await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "the first batch waits for the held account");
            var leaving = replica.Engine.PostAsync(requests[1].Request, requests[1].IdempotencyKey, requests[1].Answer, left.Token);
            var rest = await Task.WhenAll(requests[2..].Select(q => Task.Run(() =>
            {
                try
                {
                    return (q, replica.Engine.PostAsync(q.Request, q.IdempotencyKey, q.Answer));
                }
                catch (TimeoutException)
                {
                    return (q, (Task<PostingAnswer>?)null);
                }
            })));
            attempts = [(requests[0], first), (requests[1], leaving), .. rest];
            Assert.Equal(1 + 4, attempts.Count(a => a.Answer is not null));
            Assert.All(attempts.Where(a => a.Answer is not null), a => Assert.False(a.Answer!.IsCompleted));
            await left.CancelAsync();
            await holder.RollbackAsync();
        }

        var outcomes = new Dictionary<QueuedPosting, string>();
        foreach (var (request, answer) in attempts.Where(a => a.Answer is not null))
        {
            try
            {
                outcomes[request] = Describe(await answer!);
            }
            catch (OperationCanceledException)
            {
                outcomes[request] = "Cancelled";
            }
        }

        Assert.Equal("Cancelled", outcomes[requests[1]]);
        Assert.Equal(4, outcomes.Values.Count(o => o == "Posted"));
        Assert.Equal(4, await KeysStoredAsync(db, requests));
        var moved = outcomes.Where(o => o.Value == "Posted").Sum(o => ((PostingRequest.Transfer)o.Key.Request).Amount);
        Assert.Equal(100_000m - moved, await payment.BalanceAsync(payer));
    }

    [Fact]
    public async Task A_replayed_key_in_a_batch_is_answered_from_its_stored_answer_without_posting_the_batch_again()
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-replay");
        var first = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        Assert.Equal(["Posted"], (await replica.PostOneBatchAsync([first])).Select(Describe));
        using var reposts = new CountedInstrument("onegate.payment.posting.reposts");

        var answers = await replica.PostOneBatchAsync(
            [PostingReplica.Queued(first.Request, first.IdempotencyKey), PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 2_000m, null))]);

        Assert.Equal(["KeyTaken", "Posted"], answers.Select(Describe));
        Assert.Equal(0, reposts.Total);
        Assert.Equal(100_000m - 3_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m + 3_000m, await payment.BalanceAsync(shop));
    }

    [Fact]
    public async Task A_key_stored_outside_the_locks_after_the_batch_checked_it_rolls_the_batch_back_and_its_retry_answers_that_request_from_it()
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-taken", o => o.LockTimeout = TimeSpan.FromSeconds(30));
        var taken = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        var other = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 2_000m, null));
        // Another request (a top-up, say, which stores keys under no account lock) holds the key, not yet committed:
        // the batch's check cannot see it, its insert waits for it and fails once it commits.
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await HoldKeyAsync(holding, holder, payer, taken);

        using var reposts = new CountedInstrument("onegate.payment.posting.reposts");
        var answers = replica.PostOneBatchAsync([taken, other]);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(10),
            "the batch's key insert waits on the uncommitted key");

        await holder.CommitAsync();

        Assert.Equal(["KeyTaken", "Posted"], (await answers).Select(Describe));
        Assert.Equal(1, reposts.Total);
        Assert.Equal(100_000m - 2_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m + 2_000m, await payment.BalanceAsync(shop));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_value_longer_than_its_column_fails_the_batch_instead_of_being_cut(bool singleRequestShape)
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-too-long-{singleRequestShape}", o => o.SingleRequestShape = singleRequestShape);

        // The API refuses such a description first; the database must not quietly keep 255 characters of it either.
        var failure = await Assert.ThrowsAsync<PostgresException>(() => replica.PostOneBatchAsync(
            [PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, new string('x', 300)))]));

        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, failure.SqlState);
        Assert.Equal(100_000m, await payment.BalanceAsync(payer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_batch_waiting_on_a_row_a_stuck_session_holds_fails_retryably_within_the_lock_timeout(bool singleRequestShape)
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-stuck-{singleRequestShape}",
            o => { o.LockTimeout = TimeSpan.FromMilliseconds(500); o.SingleRequestShape = singleRequestShape; });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var request = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await HoldAsync(holding, holder, shop);

        var answer = replica.Engine.PostAsync(request.Request, request.IdempotencyKey, request.Answer);

        await FailsRetryablyWithin30SecondsAsync(answer);
        Assert.Equal(0, await KeysStoredAsync(db, [request]));
        await holder.RollbackAsync();
        Assert.Equal(100_000m, await payment.BalanceAsync(payer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_replica_stopping_finishes_its_batch_in_flight_and_refuses_the_queued_requests_retryably(bool singleRequestShape)
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-stopping-{singleRequestShape}",
            o => { o.Writers = 1; o.MaxBatch = 1; o.LockTimeout = TimeSpan.FromSeconds(30); o.SingleRequestShape = singleRequestShape; });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var requests = Enumerable.Range(0, 2).Select(i => PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m + i, null))).ToArray();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        Task<PostingAnswer> inFlight, queued;
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await HoldAsync(holding, holder, shop);
            inFlight = replica.Engine.PostAsync(requests[0].Request, requests[0].IdempotencyKey, requests[0].Answer);
            await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "the first batch waits for the held account");
            queued = replica.Engine.PostAsync(requests[1].Request, requests[1].IdempotencyKey, requests[1].Answer);

            var stopping = replica.Engine.StopAsync(CancellationToken.None);
            await holder.RollbackAsync();
            await stopping;
        }

        Assert.Equal("Posted", Describe(await inFlight));
        Assert.True(ProblemDetailsDefaults.IsDependencyUnavailable(await Assert.ThrowsAsync<TimeoutException>(() => queued)));
        Assert.Throws<TimeoutException>(() => { _ = replica.Engine.PostAsync(requests[1].Request, requests[1].IdempotencyKey, requests[1].Answer); });
        Assert.Equal(1, await KeysStoredAsync(db, requests));
        Assert.Equal(100_000m - 1_000m, await payment.BalanceAsync(payer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_refused_transfer_opens_no_account_for_its_recipient(bool singleRequestShape)
    {
        var poor = await payment.FundedUserAsync(auth, 10_000m);
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var newcomer = await TestUsers.RegisterAndLoginAsync(auth);
        var other = await TestUsers.RegisterAndLoginAsync(auth);
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-newcomer-{singleRequestShape}", o => o.SingleRequestShape = singleRequestShape);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();

        var refused = await replica.PostOneBatchAsync([PostingReplica.Queued(new PostingRequest.Transfer(poor.Id, newcomer.Id, 50_000m, null))]);
        var mixed = await replica.PostOneBatchAsync(
        [
            PostingReplica.Queued(new PostingRequest.Transfer(poor.Id, other.Id, 50_000m, null)),
            PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, other.Id, 2_000m, null)),
        ]);

        Assert.Equal(["InsufficientFunds"], refused.Select(Describe));
        Assert.Equal(["InsufficientFunds", "Posted"], mixed.Select(Describe));
        Assert.Empty(await AccountIdsAsync(db, newcomer));
        Assert.Equal(2_000m, await payment.BalanceAsync(other));
        Assert.Equal(10_000m, await payment.BalanceAsync(poor));
    }

    /// <summary>
    /// A batch of one answers a key that is stored already from it and posts nothing, in either shape: a replay stored
    /// before the batch began, and a key another session holds uncommitted when the batch begins (stored under no
    /// account lock: a refusal of a batch of one or of the one-request path) — the multi-row shape's check cannot see
    /// that one and reposts the batch once; the single-request shape has no check, its insert waits and fails, and
    /// nothing of the attempt stays.
    /// </summary>
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task A_batch_of_one_whose_key_is_stored_first_is_answered_from_it_and_posts_nothing(bool singleRequestShape, int reposted)
    {
        var payer = await payment.FundedUserAsync(auth, 100_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-alone-taken-{singleRequestShape}",
            o => { o.SingleRequestShape = singleRequestShape; o.LockTimeout = TimeSpan.FromSeconds(30); });
        var posted = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        Assert.Equal(["Posted"], (await replica.PostOneBatchAsync([posted])).Select(Describe));
        var taken = PostingReplica.Queued(new PostingRequest.Pay(payer.Id, 2_000m, "Shop", null, null));
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await HoldKeyAsync(holding, holder, payer, taken);

        using var reposts = new CountedInstrument("onegate.payment.posting.reposts");
        var replay = await replica.PostOneBatchAsync([PostingReplica.Queued(posted.Request, posted.IdempotencyKey)]);
        var answer = replica.PostOneBatchAsync([taken]);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(10),
            "the batch's key insert waits on the uncommitted key");
        await holder.CommitAsync();

        Assert.Equal(["KeyTaken"], replay.Select(Describe));
        Assert.Equal(["KeyTaken"], (await answer).Select(Describe));
        Assert.Equal(reposted, reposts.Total);
        Assert.Equal(100_000m - 1_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m + 1_000m, await payment.BalanceAsync(shop));
        Assert.Empty(await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db, [payer.Id, shop.Id]));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, payer, shop))).Breaks);
    }

    /// <summary>
    /// A refusal of a batch of one is stored in a transaction of its own, and its wait for a key another session holds
    /// is bounded like any lock wait of the engine: the writer is not held until that session ends.
    /// </summary>
    [Fact]
    public async Task A_refusal_of_a_batch_of_one_waiting_on_its_key_held_elsewhere_fails_retryably_within_the_lock_timeout()
    {
        var poor = await payment.FundedUserAsync(auth, 10_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-refusal-held",
            o => { o.SingleRequestShape = true; o.LockTimeout = TimeSpan.FromMilliseconds(500); });
        var refused = PostingReplica.Queued(new PostingRequest.Transfer(poor.Id, shop.Id, 50_000m, null));
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await HoldKeyAsync(holding, holder, poor, refused);

        var answer = replica.Engine.PostAsync(refused.Request, refused.IdempotencyKey, refused.Answer);

        await FailsRetryablyWithin30SecondsAsync(answer);
        await holder.RollbackAsync();
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        Assert.Equal(0, await KeysStoredAsync(db, [refused]));
        Assert.Equal(10_000m, await payment.BalanceAsync(poor));
    }

    /// <summary>
    /// The balance check under concurrency with both shapes at once: two replicas drain one account, one posting every
    /// request alone in the single-request statements on two writers, the other in multi-row batches; exactly what the
    /// balance allows is posted, every other request refused and stored, and the balance ends at zero, never below.
    /// </summary>
    [Fact]
    public async Task Concurrent_transfers_draining_one_account_in_both_shapes_post_exactly_what_its_balance_allows()
    {
        var payer = await payment.FundedUserAsync(auth, 20_000m);
        var recipients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => payment.FundedUserAsync(auth, 10_000m)));
        await using var alone = await PostingReplica.StartAsync(fixture, "posting-drain-alone", o => { o.SingleRequestShape = true; o.MaxBatch = 1; });
        await using var batched = await PostingReplica.StartAsync(fixture, "posting-drain-batched", o => o.SingleRequestShape = false);
        var requests = Enumerable.Range(0, 80).Select(i => PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, recipients[i % 3].Id, 1_000m, null)))
            .ToArray();

        var answers = await Task.WhenAll(requests.Select((q, i) => Task.Run(() => (i % 2 == 0 ? alone : batched).Engine.PostAsync(q.Request, q.IdempotencyKey, q.Answer))));

        Assert.Equal(20, answers.Count(a => Describe(a) == "Posted"));
        Assert.Equal(60, answers.Count(a => Describe(a) == "InsufficientFunds"));
        Assert.Equal(0m, await payment.BalanceAsync(payer));
        Assert.Equal(3 * 10_000m + 20_000m, (await Task.WhenAll(recipients.Select(r => payment.BalanceAsync(r)))).Sum());
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        Assert.Equal(requests.Length, await KeysStoredAsync(db, requests));
        Assert.Empty(await LedgerChecks.RowsWithoutExactlyOneKeyAsync(db, [payer.Id, .. recipients.Select(r => r.Id)]));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, [payer, .. recipients]))).Breaks);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(500, true)]
    public async Task A_second_writer_starts_no_batch_while_a_batch_larger_than_OverlapBelow_is_in_flight(int overlapBelow, bool overlaps)
    {
        var (payer, shop, sender, friend) = await TwoPairsAsync();
        await using var replica = await PostingReplica.StartAsync(fixture, $"posting-overlap-{overlapBelow}",
            o => { o.Writers = 2; o.OverlapBelow = overlapBelow; o.LockTimeout = TimeSpan.FromSeconds(30); });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        await using var holder = await holding.BeginTransactionAsync();
        await HoldAsync(holding, holder, shop);
        var waiting = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        var first = replica.Engine.PostAsync(waiting.Request, waiting.IdempotencyKey, waiting.Answer);
        await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
            () => "the batch waits for the held account");

        // A batch of one is larger than OverlapBelow 0 (no overlap) and not than 500; the other writer is free either way.
        var free = PostingReplica.Queued(new PostingRequest.Transfer(sender.Id, friend.Id, 2_000m, null));
        var second = replica.Engine.PostAsync(free.Request, free.IdempotencyKey, free.Answer);
        var done = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(overlaps ? 10 : 2)));

        Assert.Equal(overlaps, done == second);
        await holder.RollbackAsync();
        Assert.Equal(["Posted", "Posted"], (await Task.WhenAll(first, second)).Select(Describe));
        Assert.Equal(100_000m - 1_000m, await payment.BalanceAsync(payer));
    }

    /// <summary>
    /// The engine's timings tell where a slow request spent its time: a batch waiting on a held row counts the wait in
    /// its duration (it is inside its transaction) and in its lock step, not its write step, and a request queued behind
    /// that batch counts it as queue wait.
    /// </summary>
    [Fact]
    public async Task A_held_row_shows_in_the_batch_duration_its_lock_step_and_the_queue_wait_behind_it()
    {
        var (payer, shop, sender, friend) = await TwoPairsAsync();
        using var durations = new CountedInstrument("onegate.payment.posting.batch_duration", new("kind", "money"));
        using var waits = new CountedInstrument("onegate.payment.posting.queue_wait");
        using var locking = new CountedInstrument("onegate.payment.posting.batch_step", new("step", "lock"));
        using var writing = new CountedInstrument("onegate.payment.posting.batch_step", new("step", "write"));
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-timings", o => { o.Writers = 1; o.LockTimeout = TimeSpan.FromSeconds(30); });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        Task<PostingAnswer> held, behind;
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await HoldAsync(holding, holder, shop);
            var first = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
            held = replica.Engine.PostAsync(first.Request, first.IdempotencyKey, first.Answer);
            await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "the batch waits for the held account");
            var second = PostingReplica.Queued(new PostingRequest.Transfer(sender.Id, friend.Id, 2_000m, null));
            behind = replica.Engine.PostAsync(second.Request, second.IdempotencyKey, second.Answer);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await holder.RollbackAsync();
        }

        // The listeners hear the whole test process: safe while every test that starts a replica is in this
        // collection, which runs one test at a time (the app's services are other processes).
        Assert.Equal(["Posted", "Posted"], (await Task.WhenAll(held, behind)).Select(Describe));
        Assert.InRange(durations.Largest, 3.0, 30);
        Assert.InRange(waits.Largest, 2.9, 30);
        // The wait was for the lock, in the batch's first round trip; its writes and commit did not wait.
        Assert.InRange(locking.Largest, 3.0, 30);
        Assert.InRange(writing.Largest, 0.000_001, 2.0);
    }

    /// <summary>
    /// Both writers wake when requests arrive at an idle engine; the one that takes a batch above OverlapBelow must
    /// keep the other from taking one too (check, take and register at once), or a burst is posted as two large
    /// batches queueing on the same rows, each holding its requests for both.
    /// </summary>
    [Fact]
    public async Task A_burst_at_an_idle_engine_starts_one_batch_above_OverlapBelow_never_two()
    {
        var (payer, shop, _, _) = await TwoPairsAsync();
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-overlap-race",
            o => { o.Writers = 2; o.OverlapBelow = 0; o.LockTimeout = TimeSpan.FromSeconds(30); });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        for (var round = 0; round < 5; round++)
        {
            await using var holder = await holding.BeginTransactionAsync();
            await HoldAsync(holding, holder, shop);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var burst = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                var q = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 10m, null));
                return await replica.Engine.PostAsync(q.Request, q.IdempotencyKey, q.Answer);
            })).ToList();
            start.SetResult();
            await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "a batch waits for the held account");

            var most = 0;
            for (var sample = 0; sample < 20; sample++)
            {
                most = Math.Max(most, await WaitingAsync(db, replica.ApplicationName));
                await Task.Delay(25);
            }

            await holder.RollbackAsync();
            Assert.All(await Task.WhenAll(burst), a => Assert.Equal("Posted", Describe(a)));
            Assert.True(most == 1, $"round {round}: {most} batches above OverlapBelow waited on the held account at once");
        }

        Assert.Equal(100_000m - (5 * 40 * 10m), await payment.BalanceAsync(payer));
    }

    [Fact]
    public async Task With_two_writers_a_request_is_posted_while_another_batch_waits_on_a_held_row()
    {
        var (payer, shop, sender, friend) = await TwoPairsAsync();
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-two-writers", o => { o.Writers = 2; o.LockTimeout = TimeSpan.FromSeconds(30); });
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var waiting = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        var free = PostingReplica.Queued(new PostingRequest.Transfer(sender.Id, friend.Id, 2_000m, null));
        await using var holding = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await holding.OpenAsync();
        Task<PostingAnswer> first;
        await using (var holder = await holding.BeginTransactionAsync())
        {
            await HoldAsync(holding, holder, shop);
            first = replica.Engine.PostAsync(waiting.Request, waiting.IdempotencyKey, waiting.Answer);
            await Eventually.HoldsAsync(async () => await WaitingAsync(db, replica.ApplicationName) > 0, TimeSpan.FromSeconds(30),
                () => "the first batch waits for the held account");

            // One writer would hold this request until the held row is released.
            var second = replica.Engine.PostAsync(free.Request, free.IdempotencyKey, free.Answer);
            Assert.Same(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10))));
            Assert.Equal("Posted", Describe(await second));
            Assert.False(first.IsCompleted);
            await holder.RollbackAsync();
        }

        Assert.Equal("Posted", Describe(await first));
        Assert.Equal(100_000m - 1_000m, await payment.BalanceAsync(payer));
        Assert.Equal(10_000m + 2_000m, await payment.BalanceAsync(friend));
        Assert.Empty((await LedgerChecks.ChainsAsync(db, await AccountIdsAsync(db, payer, shop, sender, friend))).Breaks);
    }

    [Fact]
    public async Task A_batch_is_answered_after_its_history_cache_invalidation_and_the_writer_posts_the_next_batch_meanwhile()
    {
        var (payer, shop, sender, friend) = await TwoPairsAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-slow-cache", redis: redis);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        // A first batch opens the replica's session and builds its model, so the batches below take milliseconds.
        var warmUp = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 500m, null));
        Assert.Equal("Posted", Describe(await replica.Engine.PostAsync(warmUp.Request, warmUp.IdempotencyKey, warmUp.Answer)));
        var generation = await redis.GetDatabase().StringGetAsync(HistoryGeneration.Key(payer.Id));
        var firstRequest = PostingReplica.Queued(new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null));
        var secondRequest = PostingReplica.Queued(new PostingRequest.Transfer(sender.Id, friend.Id, 2_000m, null));

        // A blocking command occupies the replica's Redis connection for a moment: the invalidation after the first
        // commit waits behind it (within its one-second bound).
        var blocked = redis.GetDatabase().ExecuteAsync("BLPOP", $"onegate-tests:nothing:{Guid.NewGuid():N}", "0.8");
        var first = replica.Engine.PostAsync(firstRequest.Request, firstRequest.IdempotencyKey, firstRequest.Answer);
        await StoredSoonAsync(db, firstRequest);
        var second = replica.Engine.PostAsync(secondRequest.Request, secondRequest.IdempotencyKey, secondRequest.Answer);
        await StoredSoonAsync(db, secondRequest);

        // The second batch committed while the first, committed before it, was not yet answered: its cache was not yet invalidated.
        Assert.False(first.IsCompleted);
        await blocked;
        Assert.Equal("Posted", Describe(await first));
        Assert.NotEqual(generation, await redis.GetDatabase().StringGetAsync(HistoryGeneration.Key(payer.Id)));
        Assert.Equal("Posted", Describe(await second));
    }

    /// <summary>Two payers and two recipients: transfers between the pairs share no account.</summary>
    private async Task<(TestUser Payer, TestUser Shop, TestUser Sender, TestUser Friend)> TwoPairsAsync() =>
        (await payment.FundedUserAsync(auth, 100_000m), await payment.FundedUserAsync(auth, 10_000m),
            await payment.FundedUserAsync(auth, 100_000m), await payment.FundedUserAsync(auth, 10_000m));

    private static async Task StoredSoonAsync(NpgsqlConnection db, QueuedPosting request)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (await KeysStoredAsync(db, [request]) == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the request's key was not stored within 10 s");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Redis carries only hints for a commit (the relay's wake, the history cache's new generation): a replica that
    /// cannot reach it still posts and answers, and its events still reach Kafka — the relaying replica (the app's,
    /// which never hears this one's wake) publishes them at its poll. Redis known to be down, not hanging: the
    /// history cache's bump skips a disconnected client.
    /// </summary>
    [Fact]
    public async Task With_Redis_unreachable_a_replica_posts_answers_and_its_events_are_still_relayed()
    {
        var payer = await payment.FundedUserAsync(auth, 10_000m);
        var shop = await payment.FundedUserAsync(auth, 10_000m);
        using var unreachable = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200,asyncTimeout=500");
        Assert.False(unreachable.IsConnected);
        await using var replica = await PostingReplica.StartAsync(fixture, "posting-redis-down", redis: unreachable);
        var key = Guid.NewGuid().ToString();
        var transfer = new PostingRequest.Transfer(payer.Id, shop.Id, 1_000m, null);

        var answer = await replica.Engine.PostAsync(transfer, key, outcome => PostingReplica.StoredAnswer(payer.Id, key, outcome))
            .WaitAsync(TimeSpan.FromSeconds(30));

        var debit = Assert.IsType<PostingOutcome.Posted>(Assert.IsType<PostingAnswer.Answered>(answer).Outcome).Row.TransactionId;
        Assert.Equal(9_000m, await payment.BalanceAsync(payer));
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await Eventually.HoldsAsync(async () => await EventsAsync(db, debit) is { Count: 2, Unsent: 0 }, TimeSpan.FromSeconds(30),
            () => "the transfer's two events were not both relayed");
    }

    /// <summary>The events that name a transaction (its own and its counterpart's, whose related transaction it is), and how many are unsent.</summary>
    private static async Task<(long Count, long Unsent)> EventsAsync(NpgsqlConnection db, string transactionId)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*), count(*) FILTER (WHERE sent_at IS NULL) FROM outbox_messages
             WHERE payload -> 'transaction' ->> 'transactionId' = $1 OR payload -> 'transaction' ->> 'relatedTransactionId' = $1
            """, db) { Parameters = { new() { Value = transactionId } } };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<string> PostAsync(PostingEngine engine, PostingRequest request)
    {
        var key = Guid.NewGuid().ToString();
        return Describe(await engine.PostAsync(request, key, outcome => PostingReplica.StoredAnswer(request.UserId, key, outcome)));
    }

    private static string Describe(PostingAnswer answer) => answer switch
    {
        PostingAnswer.Answered { Outcome: PostingOutcome.Posted } => "Posted",
        PostingAnswer.Answered { Outcome: PostingOutcome.Refused refused } => refused.Reason.ToString(),
        _ => "KeyTaken",
    };

    private static async Task<int> WaitingAsync(NpgsqlConnection db, string applicationName)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", db) { Parameters = { new() { Value = applicationName } } };
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int> TerminateWaitingAsync(NpgsqlConnection db, string applicationName)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'
            """, db) { Parameters = { new() { Value = applicationName } } };
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The answer comes within 30 s, and it is a retryable failure (503 with Retry-After: retry with the same key).</summary>
    private static async Task FailsRetryablyWithin30SecondsAsync(Task<PostingAnswer> answer)
    {
        Assert.Same(answer, await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(30))));
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => answer);
        Assert.True(ProblemDetailsDefaults.IsDependencyUnavailable(failure));
    }

    /// <summary>Stores <paramref name="request"/>'s key in <paramref name="holder"/>, uncommitted, as a top-up's (stored under no account lock).</summary>
    private static async Task HoldKeyAsync(NpgsqlConnection holding, NpgsqlTransaction holder, TestUser user, QueuedPosting request)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO idempotency_keys (user_id, idempotency_key, request_method, request_path, request_hash, status, response_status, completed_at, expires_at)
            VALUES ($1, $2, 'POST', '/api/payments/topup', repeat('1', 64), 'COMPLETED', 201, now(), now() + interval '1 hour')
            """, holding, holder) { Parameters = { new() { Value = user.Id }, new() { Value = request.IdempotencyKey } } };
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task HoldAsync(NpgsqlConnection holding, NpgsqlTransaction holder, TestUser account)
    {
        await using var hold = new NpgsqlCommand("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", holding, holder) { Parameters = { new() { Value = account.Id } } };
        await hold.ExecuteNonQueryAsync();
    }

    private static async Task<int> KeysStoredAsync(NpgsqlConnection db, IEnumerable<QueuedPosting> requests)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ANY($1)", db)
        {
            Parameters = { new() { Value = requests.Select(q => q.IdempotencyKey).ToArray() } },
        };
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> DeadlocksAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Guid[]> AccountIdsAsync(NpgsqlConnection db, params TestUser[] users)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM accounts WHERE user_id = ANY($1)", db) { Parameters = { new() { Value = users.Select(u => u.Id).ToArray() } } };
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids];
    }
}
