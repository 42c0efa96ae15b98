using System.Net;
using System.Net.Http.Json;
using OneGate.Auth.Login;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// Floods of failing logins from many clients, through the running Auth service: the attempts of clients new to their
/// identifier and of clients that have failed wait in bounded lines behind the logins of clients known to their
/// identifier, and beyond them are refused without being counted or spending a token of an identifier's bucket.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class SuspectLoginFloodTests(OneGateAppFixture fixture)
{
    private const int Clients = 8;
    private const int AttemptsPerClient = 18; // with the first failure, under the per-client limit of 20
    private const int FreshAddresses = 100; // more than the line of new clients' logins (32)
    private const int Probes = 10;
    private const int LoopsPerFlooder = 8; // 64 at once: twice the suspect line (32)
    private const int BucketSize = 20; // LoginThrottleOptions.CleanClientBurst

    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task A_flood_from_failing_clients_beyond_their_line_gets_503_uncounted_while_a_clean_login_gets_200()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        var addresses = Enumerable.Range(0, Clients).Select(_ => DirectClients.NewAddress()).ToList();
        var clients = addresses.Select(a => DirectClients.Create(fixture, "auth", a)).ToList();
        try
        {
            // One failure each makes every one of these clients suspect.
            Assert.All(await Task.WhenAll(clients.Select(c => LoginAsync(c, Nobody(), "wrong"))), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
            var firstRefusal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var flood = Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, AttemptsPerClient).Select(async _ =>
            {
                var response = await LoginAsync(c, Nobody(), "wrong");
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    firstRefusal.TrySetResult();
                }

                return response;
            })));

            await firstRefusal.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the suspect line is full now
            using var ownerClient = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
            using var clean = await LoginAsync(ownerClient, owner.Username, owner.Password);
            var answers = await flood;

            Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
            // A refused attempt is not a failure: each client's count is its first failure plus its 401s.
            Assert.Equal(Clients + answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), await ClientCountsAsync(addresses));
            await CheckedOrRefusedAsync(answers);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_flood_from_fresh_addresses_does_not_hold_back_the_owner_logging_in_from_an_address_used_before()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        using var home = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        using var first = await LoginAsync(home, owner.Username, owner.Password);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var clients = Enumerable.Range(0, FreshAddresses).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            // One wrong password from each fresh address: clean attempts, like a real user's first login from anywhere.
            var firstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var flood = clients.Select(async c =>
            {
                var response = await LoginAsync(c, Nobody(), "wrong");
                firstAnswer.TrySetResult();
                return response;
            }).ToList();
            await firstAnswer.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the flood is being checked or refused

            using var fromHome = await LoginAsync(home, owner.Username, owner.Password);
            var unansweredThen = flood.Count(f => !f.IsCompleted);
            var answers = await Task.WhenAll(flood);

            Assert.Equal(HttpStatusCode.OK, fromHome.StatusCode);
            // Served ahead of the flood's attempts that were waiting when it came, not after them: with the flood in
            // the same line as the owner, every attempt sent before the owner's was answered before it.
            Assert.True(unansweredThen >= 10, $"only {unansweredThen} of the flood's attempts were still waiting when the owner was answered");
            await CheckedOrRefusedAsync(answers); // the new clients wait in a bounded line, the rest are refused at once
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Under_attack_an_attempt_refused_for_lack_of_argon2_capacity_gives_back_its_bucket_token()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        var attackers = Enumerable.Range(0, 6).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        var flooders = Enumerable.Range(0, Clients).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        var probes = Enumerable.Range(0, Probes).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            // 30 failures (6 addresses × 5): the username is under attack, and clean clients take a token each.
            foreach (var client in attackers)
            {
                Assert.All(await Task.WhenAll(Enumerable.Range(0, 5).Select(i => LoginAsync(client, owner.Username, "guess " + i))),
                    r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
            }

            // The flooders and the probes fail once elsewhere: suspect, so their attempts wait in the suspect line.
            Assert.All(await Task.WhenAll(flooders.Concat(probes).Select(c => LoginAsync(c, Nobody(), "wrong"))),
                r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
            using var stop = new CancellationTokenSource();
            var lineFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var flood = Task.WhenAll(flooders.SelectMany(c => Enumerable.Range(0, LoopsPerFlooder).Select(async _ =>
            {
                // Refused attempts are not counted, so a flooder keeps the line full until the probes are answered.
                while (!stop.IsCancellationRequested)
                {
                    using var response = await LoginAsync(c, Nobody(), "wrong");
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        lineFull.TrySetResult();
                    }

                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        return;
                    }
                }
            })));

            await lineFull.Task.WaitAsync(TimeSpan.FromSeconds(60));
            // The probes have not failed the username: each takes a token, then finds the suspect line full (or not).
            var probed = await Task.WhenAll(probes.Select(p => LoginAsync(p, owner.Username, "probe guess")));
            await stop.CancelAsync();
            await flood;

            var verdicts = probed.Count(p => p.StatusCode == HttpStatusCode.Unauthorized);
            Assert.Contains(probed, p => p.StatusCode == HttpStatusCode.ServiceUnavailable);
            Assert.All(probed, p => Assert.Contains(p.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
            // Only a checked guess spends a token (refills only add to the bucket, so this holds whatever the timing).
            Assert.True(await BucketTokensAsync(owner.Username) >= BucketSize - verdicts,
                $"the bucket lost more than the {verdicts} checked guesses' tokens");
        }
        finally
        {
            foreach (var client in attackers.Concat(flooders).Concat(probes))
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Each answer is a checked guess (401) or refused for Argon2 capacity (a 503 problem with Retry-After), at least one refused.</summary>
    private static async Task CheckedOrRefusedAsync(HttpResponseMessage[] answers)
    {
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter);
        await ProblemAssert.IsProblem(refused, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    private static string Nobody() => "nobody_" + Guid.NewGuid().ToString("N")[..12];

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string identifier, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { username = identifier, password });

    /// <summary>The username's bucket of clean-client attempts as of now (a missing bucket is full).</summary>
    private async Task<double> BucketTokensAsync(string identifier)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var bucket = await redis.GetDatabase().HashGetAsync(
            $"onegate:login-attempts:v2:identifier-bucket:{LoginThrottle.IdentifierKey(identifier)}", ["tokens", "at"]);
        if (bucket[0].IsNull)
        {
            return BucketSize;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return Math.Min(BucketSize, (double)bucket[0] + ((now - (double)bucket[1]) / 36));
    }

    private async Task<int> ClientCountsAsync(IEnumerable<IPAddress> addresses)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var counts = await Task.WhenAll(addresses.Select(async a =>
            (int?)await redis.GetDatabase().HashGetAsync($"onegate:login-attempts:v2:client:{a}", "n") ?? 0));
        return counts.Sum();
    }
}
