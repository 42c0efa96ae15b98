using System.Collections.Concurrent;
using System.Globalization;
using OneGate.Tests.Support;

namespace OneGate.Tests.Chaos;

/// <summary>
/// Users of the public APIs: each registers (at a random moment in the first half of the run), logs in, tops
/// up through both e-wallets (including the sandbox's decline, timeout and late-callback amounts), pays,
/// transfers to the others, refunds its payments, reads its history and re-sends finished requests. Every
/// money request carries an Idempotency-Key; after no answer, a 5xx or 409 REQUEST_IN_PROGRESS it is retried
/// with the same key and body until it gets a final answer (or is abandoned after <see cref="GiveUpAfter"/>).
/// </summary>
public sealed class SimulatedUsers(RequestLog log, int seed)
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);
    private static readonly decimal[] ScenarioAmounts = [13_000m, 14_000m, 15_000m, 16_000m, 17_000m];

    private readonly ConcurrentDictionary<string, string> userNames = new();
    private readonly ConcurrentBag<string> idempotencyViolations = [];
    private int operations;
    private int abandoned;
    private int replays;

    public sealed record Operation(string Endpoint, string Path, object Body, string Key);

    /// <summary>Keys whose answers named different transactions, or a replay that was not the stored answer.</summary>
    public IReadOnlyCollection<string> IdempotencyViolations => idempotencyViolations;

    public int UsersRegistered => userNames.Count;

    public int Operations => operations;

    public int Abandoned => abandoned;

    public int Replays => replays;

    public int[] UserIds => [.. userNames.Keys.Select(id => int.Parse(id, CultureInfo.InvariantCulture))];

    public Task RunAsync(int users, TimeSpan duration, CancellationToken stop)
    {
        var end = DateTimeOffset.UtcNow + duration;
        return Task.WhenAll(Enumerable.Range(0, users).Select(i => Task.Run(() => UserAsync(new Random(seed + i), end, duration, stop))));
    }

    private async Task UserAsync(Random random, DateTimeOffset end, TimeSpan duration, CancellationToken stop)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, (int)(duration.TotalMilliseconds / 2))), stop);
        var user = await RegisterAsync(random, end);
        if (user is null)
        {
            return;
        }

        var session = new Session(user);
        await MoneyAsync(session, new Operation("POST /topup", "/api/payments/topup", new { amount = 1_000_000m, paymentMethod = "GOPAY" }, Guid.NewGuid().ToString()));
        var payments = new List<string>();
        var finished = new List<Operation>();
        while (DateTimeOffset.UtcNow < end && !stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            var amount = Math.Round(random.Next(1_000, 60_000) + random.Next(0, 100) / 100m, 2);
            var key = Guid.NewGuid().ToString();
            Operation? operation = roll switch
            {
                < 25 => new Operation("POST /topup", "/api/payments/topup", new
                {
                    amount = random.Next(3) == 0 ? ScenarioAmounts[random.Next(ScenarioAmounts.Length)] : 20_000m + amount * 4,
                    paymentMethod = random.Next(2) == 0 ? "GOPAY" : "SHOPEE_PAY",
                }, key),
                < 50 => new Operation("POST /pay", "/api/payments/pay", new { amount, merchant = "Warung Chaos" }, key),
                < 70 when OtherUser(random, user.Username) is { } to => new Operation("POST /transfer", "/api/payments/transfer", new { toUsername = to, amount }, key),
                < 80 when payments.Count > 0 => new Operation("POST /refund", "/api/payments/refund",
                    random.Next(2) == 0
                        ? new { transactionId = payments[random.Next(payments.Count)], amount = (decimal?)500m }
                        : new { transactionId = payments[random.Next(payments.Count)], amount = (decimal?)null }, key),
                < 90 when finished.Count > 0 => finished[random.Next(finished.Count)],
                _ => null,
            };

            if (operation is null)
            {
                await log.SendAsync(log.Transaction, "GET /transactions", () => RequestLog.Json(HttpMethod.Get, "/api/transactions?limit=20", null, session.User.AccessToken));
            }
            else
            {
                var replay = finished.Contains(operation);
                var first = replay ? session.Answers[operation.Key] : null;
                var answer = await MoneyAsync(session, operation);
                if (replay && answer is { Status: not null } && first is not null && (answer.TransactionId != first.TransactionId || !answer.Replayed))
                {
                    idempotencyViolations.Add($"replay of {operation.Endpoint} {operation.Key}: first {first.Status} {first.TransactionId}, replay {answer.Status} {answer.TransactionId} replayed={answer.Replayed}");
                }

                if (replay)
                {
                    Interlocked.Increment(ref replays);
                }
                else if (answer is { Status: < 500 })
                {
                    finished.Add(operation);
                    if (operation.Endpoint == "POST /pay" && answer.Status == 201 && answer.TransactionId is { } id)
                    {
                        payments.Add(id);
                    }
                }
            }

            await Task.Delay(random.Next(100, 300), stop);
        }
    }

    private sealed class Session(TestUser user)
    {
        public TestUser User { get; set; } = user;

        public Dictionary<string, RequestLog.Answer> Answers { get; } = [];
    }

    /// <summary>One money request, retried with the same key until it has a final answer.</summary>
    private async Task<RequestLog.Answer?> MoneyAsync(Session session, Operation operation)
    {
        Interlocked.Increment(ref operations);
        var giveUp = DateTimeOffset.UtcNow + GiveUpAfter;
        var pause = TimeSpan.FromMilliseconds(250);
        string? seenTransaction = null;
        while (true)
        {
            var answer = await log.SendAsync(log.Payment, operation.Endpoint,
                () => RequestLog.Json(HttpMethod.Post, operation.Path, operation.Body, session.User.AccessToken, operation.Key));
            if (answer.TransactionId is { } id)
            {
                if (seenTransaction is not null && seenTransaction != id)
                {
                    idempotencyViolations.Add($"{operation.Endpoint} {operation.Key}: answers named {seenTransaction} and {id}");
                }

                seenTransaction = id;
            }

            if (answer.Status == 401)
            {
                // The access token expired (a long run): log in again and repeat the same request.
                session.User = await LoginAsync(session.User, giveUp) ?? session.User;
            }
            else if (!RequestLog.IsServerFailure(answer.Status) && answer.Code != "REQUEST_IN_PROGRESS")
            {
                session.Answers.TryAdd(operation.Key, answer);
                return answer;
            }

            if (DateTimeOffset.UtcNow > giveUp)
            {
                Interlocked.Increment(ref abandoned);
                return null;
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(3).Ticks));
        }
    }

    private async Task<TestUser?> RegisterAsync(Random random, DateTimeOffset end)
    {
        var (username, email, phone) = TestUsers.Fresh();
        var giveUp = DateTimeOffset.UtcNow + GiveUpAfter;
        while (DateTimeOffset.UtcNow < giveUp)
        {
            var answer = await log.SendAsync(log.Auth, "POST /register",
                () => RequestLog.Json(HttpMethod.Post, "/api/auth/register", new { username, email, phone, password = TestUsers.Password }));
            // A retried registration whose first attempt went through finds its name taken: log in.
            if (answer.Status is 201 or 409)
            {
                var user = await LoginAsync(new TestUser(0, username, email, phone, TestUsers.Password), giveUp);
                if (user is not null)
                {
                    userNames[user.Id.ToString(CultureInfo.InvariantCulture)] = username;
                }

                return user;
            }

            await Task.Delay(random.Next(300, 1_000));
        }

        return null;
    }

    private async Task<TestUser?> LoginAsync(TestUser user, DateTimeOffset giveUp)
    {
        while (DateTimeOffset.UtcNow < giveUp)
        {
            var answer = await log.SendAsync(log.Auth, "POST /login",
                () => RequestLog.Json(HttpMethod.Post, "/api/auth/login", new { username = user.Username, password = user.Password }));
            if (answer.Status == 200)
            {
                var token = answer.Json.GetProperty("accessToken").GetString()!;
                var me = await log.SendAsync(log.Auth, "GET /me", () => RequestLog.Json(HttpMethod.Get, "/api/auth/me", null, token));
                if (me.Status == 200)
                {
                    return user with { Id = me.Json.GetProperty("id").GetInt32(), AccessToken = token };
                }
            }

            await Task.Delay(500);
        }

        return null;
    }

    private string? OtherUser(Random random, string self)
    {
        var others = userNames.Values.Where(u => u != self).ToArray();
        return others.Length == 0 ? null : others[random.Next(others.Length)];
    }
}
