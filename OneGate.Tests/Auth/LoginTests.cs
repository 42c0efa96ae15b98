using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

[Collection(OneGateAppCollection.Name)]
public sealed class LoginTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Login_by_username_email_or_phone_in_any_accepted_form_returns_the_token_pair()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var national = "0" + user.Phone[3..];

        foreach (var identifier in new[] { user.Username.ToUpperInvariant(), user.Email.ToUpperInvariant(), user.Phone, national, user.Phone[1..] })
        {
            using var response = await auth.PostAsJsonAsync("/api/auth/login", new { username = identifier, password = user.Password });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{identifier}: {body}");
            var json = JsonDocument.Parse(body).RootElement;
            Assert.Equal("Bearer", json.GetProperty("tokenType").GetString());
            Assert.Equal(900, json.GetProperty("expiresIn").GetInt32());
            Assert.Equal(604800, json.GetProperty("refreshExpiresIn").GetInt32());
            Assert.Equal(3, json.GetProperty("accessToken").GetString()!.Split('.').Length);
            Assert.True(json.GetProperty("refreshToken").GetString()!.Length >= 43);
        }
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        var user = await TestUsers.RegisterAsync(auth);

        using var wrongPassword = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "not the password" });
        using var unknownUser = await auth.PostAsJsonAsync("/api/auth/login", new { username = "nobody_" + Guid.NewGuid().ToString("N")[..8], password = "not the password" });

        var a = await ProblemAssert.IsProblem(wrongPassword, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var b = await ProblemAssert.IsProblem(unknownUser, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Sixth_attempt_after_five_failures_is_429_with_Retry_After_even_with_the_right_password()
    {
        var user = await TestUsers.RegisterAsync(auth);
        for (var i = 0; i < 5; i++)
        {
            using var failure = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password " + i });
            await ProblemAssert.IsProblem(failure, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        using var throttled = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = user.Password });

        await ProblemAssert.IsProblem(throttled, HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);
    }

    [Fact]
    public async Task A_successful_login_resets_the_failure_count()
    {
        var user = await TestUsers.RegisterAsync(auth);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                using var failure = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong" + i });
                await ProblemAssert.IsProblem(failure, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
            }

            await TestUsers.LoginAsync(auth, user);
        }
    }

    [Fact]
    public async Task Missing_fields_are_400_VALIDATION_FAILED()
    {
        using var response = await auth.PostAsJsonAsync("/api/auth/login", new { username = "" });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("username", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Me_returns_the_caller_and_requires_a_token()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var me = await auth.SendAsync(user.Authorized(HttpMethod.Get, "/api/auth/me"));
        using var anonymous = await auth.GetAsync(new Uri("/api/auth/me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var json = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user.Id, json.GetProperty("id").GetInt32());
        Assert.Equal(user.Username, json.GetProperty("username").GetString());
        Assert.Equal(user.Phone, json.GetProperty("phone").GetString());
        await ProblemAssert.IsProblem(anonymous, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Jwks_publishes_only_the_public_ES256_key()
    {
        using var response = await auth.GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0];
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.False(key.TryGetProperty("d", out _));
    }
}
