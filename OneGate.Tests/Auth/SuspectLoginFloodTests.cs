using System.Net;
using System.Net.Http.Json;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// A flood of failing logins from many clients, through the running Auth service: the attempts of clients that have
/// failed wait in their own bounded line behind clean logins, and beyond it are refused without being counted.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class SuspectLoginFloodTests(OneGateAppFixture fixture)
{
    private const int Clients = 8;
    private const int AttemptsPerClient = 18; // with the first failure, under the per-client limit of 20

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
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
            var refused = answers.First(a => a.StatusCode == HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(refused.Headers.RetryAfter);
            await ProblemAssert.IsProblem(refused, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            // A refused attempt is not a failure: each client's count is its first failure plus its 401s.
            Assert.Equal(Clients + answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), await ClientCountsAsync(addresses));
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static string Nobody() => "nobody_" + Guid.NewGuid().ToString("N")[..12];

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string identifier, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { username = identifier, password });

    private async Task<int> ClientCountsAsync(IEnumerable<IPAddress> addresses)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var counts = await Task.WhenAll(addresses.Select(async a =>
            (int?)await redis.GetDatabase().HashGetAsync($"onegate:login-attempts:v2:client:{a}", "n") ?? 0));
        return counts.Sum();
    }
}
