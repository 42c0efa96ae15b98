using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

[Collection(OneGateAppCollection.Name)]
public sealed class SessionTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payment = fixture.CreateClient("payment");
    private readonly HttpClient transaction = fixture.CreateClient("transaction");

    [Fact]
    public async Task Refresh_rotates_the_pair_and_the_old_refresh_token_stops_working()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var rotated = await RefreshAsync(user.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var next = user with { AccessToken = rotated.Json.GetProperty("accessToken").GetString(), RefreshToken = rotated.Json.GetProperty("refreshToken").GetString() };
        Assert.NotEqual(user.RefreshToken, next.RefreshToken);

        using var balance = await payment.SendAsync(next.Authorized(HttpMethod.Get, "/api/payments/balance"));
        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);

        var again = await RefreshAsync(next.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_ends_every_session_of_the_user()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        var rotated = await RefreshAsync(user.RefreshToken!);
        var current = user with { AccessToken = rotated.Json.GetProperty("accessToken").GetString(), RefreshToken = rotated.Json.GetProperty("refreshToken").GetString() };
        // Within 10 s of its rotation a presented token is taken for a retry whose answer was lost (RefreshRaceTests).
        await Task.Delay(TimeSpan.FromSeconds(11));

        using var reuse = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });

        await ProblemAssert.IsProblem(reuse, HttpStatusCode.Unauthorized, "REFRESH_TOKEN_REUSED");
        // The thief's and the owner's newest tokens die with it, on every device.
        using var currentRefresh = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = current.RefreshToken });
        await ProblemAssert.IsProblem(currentRefresh, HttpStatusCode.Unauthorized, "INVALID_REFRESH_TOKEN");
        foreach (var session in new[] { current, otherDevice })
        {
            using var balance = await payment.SendAsync(session.Authorized(HttpMethod.Get, "/api/payments/balance"));
            await ProblemAssert.IsProblem(balance, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task Unknown_refresh_token_is_401_INVALID_REFRESH_TOKEN()
    {
        using var response = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token-we-issued" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized, "INVALID_REFRESH_TOKEN");
    }

    [Fact]
    public async Task Logout_ends_the_session_at_Auth_Payment_and_Transaction_at_once()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);
        using (var before = await payment.SendAsync(user.Authorized(HttpMethod.Get, "/api/payments/balance")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var before = await transaction.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions/TRX-NONE")))
        {
            // Authenticated: the answer is about the transaction, not the token.
            await ProblemAssert.IsProblem(before, HttpStatusCode.NotFound, "TRANSACTION_NOT_FOUND");
        }

        using var logout = await auth.SendAsync(user.Authorized(HttpMethod.Post, "/api/auth/logout"));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var atPayment = await payment.SendAsync(user.Authorized(HttpMethod.Get, "/api/payments/balance"));
        using var atTransaction = await transaction.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions/TRX-NONE"));
        using var atAuth = await auth.SendAsync(user.Authorized(HttpMethod.Get, "/api/auth/me"));
        using var refresh = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        await ProblemAssert.IsProblem(atPayment, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(atTransaction, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(atAuth, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(refresh, HttpStatusCode.Unauthorized, "INVALID_REFRESH_TOKEN");

        // Only that session: the user's other device is still logged in.
        using var other = await payment.SendAsync(otherDevice.Authorized(HttpMethod.Get, "/api/payments/balance"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Logout_with_another_sessions_refresh_token_ends_that_session_too()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var otherDevice = await TestUsers.LoginAsync(auth, user);

        using var logout = await auth.SendAsync(user.Authorized(HttpMethod.Post, "/api/auth/logout", new { refreshToken = otherDevice.RefreshToken }));

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var other = await payment.SendAsync(otherDevice.Authorized(HttpMethod.Get, "/api/payments/balance"));
        await ProblemAssert.IsProblem(other, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Logout_needs_a_token()
    {
        using var response = await auth.PostAsync(new Uri("/api/auth/logout", UriKind.Relative), null);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> RefreshAsync(string refreshToken)
    {
        using var response = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
