using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// Operators log in with username, password and a TOTP code that is good once (docs/backoffice.md, "Operator login");
/// every login, refusal and logout is in the audit trail with the operator's name and roles.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OperatorLoginTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Login_with_password_and_code_gives_a_backoffice_token_and_is_audited_with_name_and_roles()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT", "COMPLIANCE");
        using var auth = fixture.CreateClient("auth");

        op = await Operators.LoginAsync(auth, op);

        var token = new JsonWebToken(op.AccessToken);
        Assert.Equal(["onegate-backoffice"], token.Audiences);
        Assert.Equal(op.Username, token.GetPayloadValue<string>("name"));
        Assert.Equal(["SUPPORT", "COMPLIANCE"], token.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromHours(8) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(8));
        using var session = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal(op.Username, (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());

        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.login.succeeded' AND actor_id = $1", Id(op)));
        Assert.Equal(("OPERATOR", op.Username, "SUPPORT,COMPLIANCE"), (audited.ActorType, audited.Fields[4], audited.Fields[5]));
        Assert.Equal(("session", token.GetPayloadValue<string>("sid")), (audited.TargetType, audited.TargetId));
        Assert.NotNull(audited.ClientAddress);
        Assert.DoesNotContain(op.Password, string.Concat(audited.Fields), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_is_accepted_once()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        var code = await op.Clock.NextCodeAsync(op.TotpSecret);

        using var first = await LoginAsync(auth, op, code);
        using var replay = await LoginAsync(auth, op, code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblem(replay, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var refused = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", Id(op)));
        Assert.Equal(("ANONYMOUS", "operator"), (refused.ActorType, refused.TargetType));
        Assert.Contains("code-reused", refused.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_concurrent_logins_with_one_code_exactly_one_starts_a_session()
    {
        var op = await Operators.CreateAsync(fixture, "OPERATIONS");
        var code = await op.Clock.NextCodeAsync(op.TotpSecret);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var auth = fixture.CreateClient("auth");
            using var response = await LoginAsync(auth, op, code);
            return response.StatusCode;
        }));

        // The losers are refused: 401 for a used code, or 429 once the throttle's 5 attempts per client are reserved.
        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.login.succeeded' AND actor_id = $1", Id(op)));
    }

    [Fact]
    public async Task A_wrong_password_or_code_is_the_same_401_and_a_wrong_password_does_not_use_up_the_code()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        var code = await op.Clock.NextCodeAsync(op.TotpSecret);
        var wrongCode = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        using var wrongPassword = await LoginAsync(auth, op with { Password = "not the password" }, code);
        using var badCode = await LoginAsync(auth, op, wrongCode);
        using var right = await LoginAsync(auth, op, code);

        await ProblemAssert.IsProblem(wrongPassword, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        await ProblemAssert.IsProblem(badCode, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var failures = await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", Id(op));
        Assert.Equal(["{\"failure\":\"password\"}", "{\"failure\":\"code\"}"], failures.Select(f => f.After));
    }

    [Fact]
    public async Task Repeated_failures_are_throttled_and_the_refusal_is_audited()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        for (var i = 0; i < 5; i++)
        {
            using var failed = await LoginAsync(auth, op with { Password = "not the password" }, "000000");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await LoginAsync(auth, op, await op.Clock.NextCodeAsync(op.TotpSecret));

        await ProblemAssert.IsProblem(refused, HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        Assert.NotNull(refused.Headers.RetryAfter);
        // Recorded once per client while its refusal lasts (all tests share one client address, so maybe by another test).
        Assert.NotEmpty(await AuditRow.ReadAsync(fixture, "action = 'operator.login.throttled' AND target_type = 'login-client'"));
        Assert.Equal(5, (await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", Id(op))).Count);
    }

    [Fact]
    public async Task Failed_user_logins_naming_an_operator_do_not_throttle_the_operator()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        for (var i = 0; i < 6; i++)
        {
            // The public user login is reachable from the internet; what is typed there must not reach operators' counters.
            using var failed = await auth.PostAsJsonAsync("/api/auth/login", new { username = "operator:" + op.Username, password = "not the password" });
            Assert.True(failed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"got {failed.StatusCode}");
        }

        using var login = await LoginAsync(auth, op, await op.Clock.NextCodeAsync(op.TotpSecret));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData(null, "operator password 1", "123456", "username")]
    [InlineData("someone", null, "123456", "password")]
    [InlineData("someone", "operator password 1", null, "code")]
    [InlineData("someone", "operator password 1", "12345a", "code")]
    [InlineData("someone", "operator password 1", "1234567", "code")]
    public async Task Bad_input_is_400_naming_the_field(string? username, string? password, string? code, string field)
    {
        using var auth = fixture.CreateClient("auth");

        using var response = await auth.PostAsJsonAsync("/api/admin/auth/login", new { username, password, code });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Logout_ends_the_session_and_is_audited()
    {
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");

        using var logout = await auth.SendAsync(op.Authorized(HttpMethod.Post, "/api/admin/auth/logout"));
        using var after = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await ProblemAssert.IsProblem(after, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.logout' AND actor_id = $1", Id(op)));
        Assert.Equal((op.Username, "SUPPORT", new JsonWebToken(op.AccessToken).GetPayloadValue<string>("sid")),
            (audited.Fields[4], audited.Fields[5], audited.TargetId));
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient auth, TestOperator op, string code) =>
        auth.PostAsJsonAsync("/api/admin/auth/login", new { username = op.Username, password = op.Password, code });

    private static string Id(TestOperator op) => op.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
