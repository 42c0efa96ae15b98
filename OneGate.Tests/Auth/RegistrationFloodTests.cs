using System.Net;
using System.Net.Http.Json;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// Floods of registrations through the running Auth service: from many clients, beyond what Argon2 can hash and keep
/// waiting, a registration is refused before it costs a Redis script or a query; from one client over its limit, the
/// refusals take no place from other clients' registrations. Alone: the flood fills the registration line that other
/// tests' registrations need.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class RegistrationFloodTests(OneGateAppFixture fixture)
{
    private const int Clients = 100; // at once: far more than the shared Argon2 slots plus the line of 16

    [Fact]
    public async Task Registrations_refused_for_lack_of_argon2_capacity_never_reach_the_registration_counter()
    {
        var addresses = Enumerable.Range(0, Clients).Select(_ => DirectClients.NewAddress()).ToList();
        var clients = addresses.Select(a => DirectClients.Create(fixture, "auth", a)).ToList();
        try
        {
            var answers = await Task.WhenAll(clients.Select(async client =>
            {
                var (username, email, phone) = TestUsers.Fresh();
                using var response = await client.PostAsJsonAsync("/api/auth/register", new { username, email, phone, password = TestUsers.Password });
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.NotNull(response.Headers.RetryAfter);
                    await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                }

                return response.StatusCode;
            }));

            Assert.All(answers, a => Assert.Contains(a, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
            Assert.Contains(HttpStatusCode.ServiceUnavailable, answers);
            // Each client's counter exists once its registration was counted; a registration counted and refused
            // afterwards would leave it at 0, not absent.
            await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
            var counted = await Task.WhenAll(addresses.Select(a => redis.GetDatabase().KeyExistsAsync($"onegate:registrations:client:{a}")));
            Assert.Equal(answers.Select(a => a == HttpStatusCode.Created), counted);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_client_over_its_limit_flooding_takes_no_place_from_other_clients_registrations()
    {
        var flooder = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        var others = Enumerable.Range(0, 5).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            HttpStatusCode status;
            do
            {
                status = await RegisterAsync(flooder);
            }
            while (status == HttpStatusCode.Created);

            Assert.Equal(HttpStatusCode.TooManyRequests, status);

            // 300 refused registrations at once, and the other clients' in the middle of them.
            var flood = Enumerable.Range(0, 300).Select(_ => RegisterAsync(flooder)).ToList();
            var registered = others.Select(RegisterAsync).ToList();
            var refused = await Task.WhenAll(flood);

            Assert.All(await Task.WhenAll(registered), s => Assert.Equal(HttpStatusCode.Created, s));
            Assert.All(refused, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        }
        finally
        {
            flooder.Dispose();
            others.ForEach(c => c.Dispose());
        }
    }

    private static async Task<HttpStatusCode> RegisterAsync(HttpClient client)
    {
        var (username, email, phone) = TestUsers.Fresh();
        using var response = await client.PostAsJsonAsync("/api/auth/register", new { username, email, phone, password = TestUsers.Password });
        return response.StatusCode;
    }

}
