using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// Refresh answers that must not be taken for token theft: a retried refresh whose answer was lost, concurrent
/// refreshes with one token, and a refresh racing the logout of its own session.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
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
    public async Task Refresh_whose_session_store_write_fails_is_503_with_nothing_changed_and_the_same_token_then_rotates_without_reuse()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            await fixture.App.GetConnectionStringAsync("redis") + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints().Single());

        // Reads go on, writes wait until they time out: the session's new expiry cannot be written. Meanwhile the
        // database refuses every write to this user's token rows, so the refresh must fail before changing any (a
        // rotation committed first would need an undo, and an undo can fail too).
        HttpResponseMessage failed;
        await using (await FreezeTokenRowsAsync(user.Id))
        {
            await server.ExecuteAsync("CLIENT", "PAUSE", "20000", "WRITE");
            try
            {
                failed = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
            }
            finally
            {
                await server.ExecuteAsync("CLIENT", "UNPAUSE");
            }
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

    /// <summary>A trigger that fails every insert, update or delete of the user's refresh-token rows until disposed.</summary>
    private async Task<IAsyncDisposable> FreezeTokenRowsAsync(int userId)
    {
        var name = $"freeze_tokens_{userId}";
        await ExecuteAsync($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF (TG_OP = 'DELETE' AND OLD.user_id = {userId}) OR (TG_OP <> 'DELETE' AND NEW.user_id = {userId}) THEN
                RAISE EXCEPTION 'token rows of user {userId} are frozen by a test';
              END IF;
              RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OR DELETE ON authentications FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
        return new AsyncDisposable(() => ExecuteAsync($"DROP TRIGGER {name} ON authentications; DROP FUNCTION {name}();"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
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
