using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// The login throttle under concurrent and distributed attack, through the running Auth service. Each test is its
/// own clients (<see cref="DirectClients"/>), so its counters are not shared with other tests.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class LoginThrottleTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Forty_concurrent_wrong_passwords_for_one_account_from_one_client_get_five_401_and_429_for_the_rest()
    {
        var user = await TestUsers.RegisterAsync(auth);
        using var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => LoginAsync(client, user.Username, "wrong password " + i)));

        Assert.Equal(5, answers.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(35, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a => Assert.InRange(a.RetryAfter!.Value, 1, 15 * 60));
    }

    [Fact]
    public async Task Forty_concurrent_failures_from_one_client_across_identifiers_get_twenty_401_and_429_for_the_rest()
    {
        using var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => LoginAsync(client, "nobody_" + Guid.NewGuid().ToString("N")[..12], "wrong password")));

        Assert.Equal(20, answers.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(20, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a => Assert.InRange(a.RetryAfter!.Value, 1, 15 * 60));
    }

    [Fact]
    public async Task Successful_logins_do_not_use_up_the_clients_failure_budget()
    {
        var user = await TestUsers.RegisterAsync(auth);
        using var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        for (var i = 0; i < 21; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, user.Username, user.Password)).Status);
        }

        var failures = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => LoginAsync(client, user.Email, "wrong password " + i)));

        Assert.Equal(5, failures.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(3, failures.Count(a => a.Status == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_stranger_failing_from_ten_addresses_does_not_lock_the_owner_out_of_a_clean_address()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        string[] identifiers = [owner.Username, owner.Email, owner.Phone];
        var attackers = Enumerable.Range(0, 10).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            // 200 wrong guesses, 20 per address, alternating the account's three identifiers. One at a time per address
            // (the ten at once): 200 at once would overflow the line of suspect logins, whose 503s are not failures.
            var answers = (await Task.WhenAll(attackers.Select(async client =>
            {
                var mine = new List<Answer>();
                for (var i = 0; i < 20; i++)
                {
                    mine.Add(await LoginAsync(client, identifiers[i % 3], "guess " + i));
                }

                return mine;
            }))).SelectMany(a => a).ToList();
            using var ownerClient = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
            var ownerLogin = await LoginAsync(ownerClient, owner.Username, owner.Password);
            var attackerWithThePassword = await LoginAsync(attackers[0], owner.Username, owner.Password);

            Assert.Equal(200, answers.Count);
            Assert.Equal(HttpStatusCode.OK, ownerLogin.Status);
            // Each identifier takes 30 failures from anyone, then one per client that has not failed it yet (at most
            // 10 here): how many of those come depends on the interleaving, so the bound is the design's maximum.
            Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.Unauthorized), 1, 3 * (30 + 10));
            // A client that has failed is refused before its guess is checked, even a right one.
            Assert.Equal(HttpStatusCode.TooManyRequests, attackerWithThePassword.Status);
        }
        finally
        {
            attackers.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public async Task A_429_for_one_identifier_says_nothing_about_the_accounts_other_identifiers()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var stranger = await TestUsers.RegisterAsync(auth);
        using var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, user.Username, "wrong password " + i)).Status);
        }

        var username = await LoginAsync(client, user.Username, "wrong password");
        var sameAccountEmail = await LoginAsync(client, user.Email, "wrong password");
        var sameAccountPhone = await LoginAsync(client, "0" + user.Phone[3..], "wrong password");
        var otherAccountEmail = await LoginAsync(client, stranger.Email, "wrong password");

        Assert.Equal(HttpStatusCode.TooManyRequests, username.Status);
        // Answered like any other account's identifier: a 429 here would tell that the two belong together.
        Assert.Equal(otherAccountEmail.Status, sameAccountEmail.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, sameAccountEmail.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, sameAccountPhone.Status);
    }

    [Fact]
    public async Task Under_attack_fresh_addresses_share_a_bucket_of_guesses_instead_of_one_each()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        var clients = Enumerable.Range(0, 6 + 40).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            // 30 failures (6 addresses × 5): the username is under attack.
            foreach (var client in clients.Take(6))
            {
                for (var i = 0; i < 5; i++)
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, owner.Username, "guess " + i)).Status);
                }
            }

            // 40 addresses that never failed, at once: the bucket (20) decides, not the number of addresses.
            var fresh = await Task.WhenAll(clients.Skip(6).Select(c => LoginAsync(c, owner.Username, "fresh guess")));

            Assert.Equal(20, fresh.Count(a => a.Status == HttpStatusCode.Unauthorized));
            Assert.All(fresh.Where(a => a.Status != HttpStatusCode.Unauthorized), a =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, a.Status);
                Assert.InRange(a.RetryAfter!.Value, 1, 36); // slowed by one refill interval, never locked out for the window
            });
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Under_attack_with_the_bucket_drained_the_owner_still_logs_in_from_an_address_used_before()
    {
        var owner = await TestUsers.RegisterAsync(auth);
        using var home = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(home, owner.Username, owner.Password)).Status);
        var clients = Enumerable.Range(0, 6 + 25).Select(_ => DirectClients.Create(fixture, "auth", DirectClients.NewAddress())).ToList();
        try
        {
            // 30 failures (6 addresses × 5): the username is under attack.
            foreach (var client in clients.Take(6))
            {
                await Task.WhenAll(Enumerable.Range(0, 5).Select(i => LoginAsync(client, owner.Username, "guess " + i)));
            }

            // Fresh addresses take every token of the clean clients' bucket, as an attacker would as they refill.
            var drained = await Task.WhenAll(clients.Skip(6).Select(c => LoginAsync(c, owner.Username, "fresh guess")));
            Assert.Contains(drained, a => a.Status == HttpStatusCode.TooManyRequests);
            using var newAddress = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
            var fromNewAddress = await LoginAsync(newAddress, owner.Username, owner.Password);
            var fromHome = await LoginAsync(home, owner.Username, owner.Password);

            Assert.Equal(HttpStatusCode.TooManyRequests, fromNewAddress.Status);
            // A client that has logged in to this identifier before is no stranger: it does not wait for a token.
            Assert.Equal(HttpStatusCode.OK, fromHome.Status);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<Answer> LoginAsync(HttpClient client, string identifier, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = identifier, password });
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values)
            ? int.Parse(values.Single(), CultureInfo.InvariantCulture)
            : (int?)null;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await ProblemAssert.IsProblem(response, HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        }

        return new Answer(response.StatusCode, retryAfter);
    }

    private sealed record Answer(HttpStatusCode Status, int? RetryAfter);
}
