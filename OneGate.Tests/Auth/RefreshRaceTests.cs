using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// Refresh answers that must not be taken for token theft: a retried refresh whose answer was lost, concurrent
/// refreshes with one token, and a refresh racing the logout of its own session.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class RefreshRaceTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payment = fixture.CreateClient("payment");

    [Fact]
    public async Task Rotated_token_presented_again_within_ten_seconds_is_401_INVALID_REFRESH_TOKEN_and_revokes_nothing()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        var rotated = await RefreshAsync(user.RefreshToken!);

        using var retried = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });

        await ProblemAssert.IsProblem(retried, HttpStatusCode.Unauthorized, "INVALID_REFRESH_TOKEN");
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(rotated.RefreshToken!)).Status);
        await AssertAliveAsync(otherDevice);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_give_one_new_pair_and_revoke_nothing()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        var token = user.RefreshToken!;
        for (var round = 0; round < 20; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RefreshAsync(token)));

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("INVALID_REFRESH_TOKEN", a.Code));
            token = answers.Single(a => a.Status == HttpStatusCode.OK).RefreshToken!;
        }

        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(token)).Status);
        await AssertAliveAsync(otherDevice);
    }

    [Fact]
    public async Task Refresh_racing_the_logout_of_its_session_is_never_reuse_and_other_sessions_survive()
    {
        var otherDevice = await TestUsers.RegisterAndLoginAsync(auth);
        for (var round = 0; round < 20; round++)
        {
            var session = await TestUsers.LoginAsync(auth, otherDevice);
            var logout = Task.Run(async () =>
            {
                using var response = await auth.SendAsync(session.Authorized(HttpMethod.Post, "/api/auth/logout"));
                return response.StatusCode;
            });
            var refresh = await RefreshAsync(session.RefreshToken!);

            Assert.Equal(HttpStatusCode.NoContent, await logout);
            Assert.True(refresh.Status == HttpStatusCode.OK || refresh.Code == "INVALID_REFRESH_TOKEN", $"round {round}: {refresh}");
            if (refresh.Status == HttpStatusCode.OK)
            {
                // It finished before the logout: the logout ended its new pair too.
                Assert.Equal("INVALID_REFRESH_TOKEN", (await RefreshAsync(refresh.RefreshToken!)).Code);
            }
        }

        await AssertAliveAsync(otherDevice);
    }

    [Fact]
    public async Task Refresh_whose_session_store_write_fails_is_503_and_the_same_token_then_rotates_without_reuse()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            await fixture.App.GetConnectionStringAsync("redis") + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints().Single());

        // Reads go on, writes wait: the rotation finds its session and commits in Postgres, then its Redis write
        // (the session's new expiry) times out — the failure after the database part committed.
        await server.ExecuteAsync("CLIENT", "PAUSE", "20000", "WRITE");
        HttpResponseMessage failed;
        try
        {
            failed = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        }
        finally
        {
            await server.ExecuteAsync("CLIENT", "UNPAUSE");
        }

        using (failed)
        {
            await ProblemAssert.IsProblem(failed, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.True(failed.Headers.RetryAfter is not null, "503 without Retry-After");
        }

        var retried = await RefreshAsync(user.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(retried.RefreshToken!)).Status);
        await AssertAliveAsync(otherDevice);
    }

    private async Task AssertAliveAsync(TestUser session)
    {
        using var balance = await payment.SendAsync(session.Authorized(HttpMethod.Get, "/api/payments/balance"));
        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);
    }

    private async Task<Answer> RefreshAsync(string refreshToken)
    {
        using var response = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return response.StatusCode == HttpStatusCode.OK
            ? new Answer(response.StatusCode, null, json.GetProperty("refreshToken").GetString())
            : new Answer(response.StatusCode, json.GetProperty("code").GetString(), null);
    }

    private sealed record Answer(HttpStatusCode Status, string? Code, string? RefreshToken);
}
