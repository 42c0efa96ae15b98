using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// Operator tokens and user tokens never pass for each other (docs/backoffice.md, "Operator tokens"); roles decide which
/// back-office endpoints an operator reaches; a session ends when idle, and every request slides it.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class OperatorTokenTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task A_user_token_is_refused_on_backoffice_endpoints()
    {
        using var auth = fixture.CreateClient("auth");
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var session = await auth.SendAsync(user.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        using var create = await auth.SendAsync(user.Authorized(HttpMethod.Post, "/api/admin/operators",
            new { username = "mallory-op", password = "operator password 1", roles = new[] { "ADMIN" } }));

        await ProblemAssert.IsProblem(session, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(create, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("auth", "/api/auth/me")]
    [InlineData("payment", "/api/payments/balance")]
    [InlineData("transaction", "/api/transactions/")]
    public async Task An_operator_token_is_refused_on_user_endpoints(string service, string path)
    {
        var op = await Operators.AdminAsync(fixture);
        using var client = fixture.CreateClient(service);

        using var response = await client.SendAsync(op.Authorized(HttpMethod.Get, path));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task An_operator_without_the_role_gets_403_and_nothing_is_created()
    {
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT", "OPERATIONS", "COMPLIANCE");
        using var auth = fixture.CreateClient("auth");
        var username = $"op-{Guid.NewGuid():N}"[..20];

        using var response = await auth.SendAsync(support.Authorized(HttpMethod.Post, "/api/admin/operators",
            new { username, password = "operator password 1", roles = new[] { "ADMIN" } }));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Empty(await AuditRow.ReadAsync(fixture, "action = 'operator.create' AND after::text LIKE $1", $"%{username}%"));
    }

    /// <summary>
    /// The session key lives for the idle timeout and each request renews it. Waiting the real 30 minutes is not a test:
    /// the key's lifetime is shortened by hand to stand for the time that passed, then let run out.
    /// </summary>
    [Fact]
    public async Task Each_request_renews_the_idle_timeout_and_an_idle_session_is_refused()
    {
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var key = $"onegate:session:operator:{new JsonWebToken(op.AccessToken).GetPayloadValue<string>("sid")}";
        var idle = TimeSpan.FromSeconds(new JsonWebToken(op.AccessToken).GetPayloadValue<int>("idle"));

        Assert.Equal(TimeSpan.FromMinutes(30), idle);
        Assert.InRange((await redis.GetDatabase().KeyTimeToLiveAsync(key))!.Value, idle - TimeSpan.FromMinutes(1), idle);
        await redis.GetDatabase().KeyExpireAsync(key, TimeSpan.FromSeconds(20));
        using (var used = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session")))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        Assert.InRange((await redis.GetDatabase().KeyTimeToLiveAsync(key))!.Value, idle - TimeSpan.FromMinutes(1), idle);
        await redis.GetDatabase().KeyExpireAsync(key, TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        using var idleRequest = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        await ProblemAssert.IsProblem(idleRequest, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("{\"password\":\"operator password 1\",\"roles\":[\"SUPPORT\"]}", "username")]
    [InlineData("{\"username\":\"Bad Name\",\"password\":\"operator password 1\",\"roles\":[\"SUPPORT\"]}", "username")]
    [InlineData("{\"username\":\"short-pass\",\"password\":\"short\",\"roles\":[\"SUPPORT\"]}", "password")]
    [InlineData("{\"username\":\"no-roles\",\"password\":\"operator password 1\",\"roles\":[]}", "roles")]
    [InlineData("{\"username\":\"bad-role\",\"password\":\"operator password 1\",\"roles\":[\"ROOT\"]}", "roles")]
    [InlineData("{\"username\":\"twice-role\",\"password\":\"operator password 1\",\"roles\":[\"SUPPORT\",\"SUPPORT\"]}", "roles")]
    public async Task Creating_an_operator_with_bad_input_is_400_naming_the_field(string body, string field)
    {
        var admin = await Operators.AdminAsync(fixture);
        using var auth = fixture.CreateClient("auth");
        using var request = admin.Authorized(HttpMethod.Post, "/api/admin/operators");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await auth.SendAsync(request);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Creating_an_operator_is_audited_with_the_admin_and_a_taken_name_is_409()
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAsync(fixture, "COMPLIANCE", "SUPPORT");
        using var auth = fixture.CreateClient("auth");

        using var again = await auth.SendAsync(admin.Authorized(HttpMethod.Post, "/api/admin/operators",
            new { username = op.Username, password = "operator password 2", roles = new[] { "ADMIN" } }));

        await ProblemAssert.IsProblem(again, HttpStatusCode.Conflict, "OPERATOR_EXISTS");
        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.create' AND target_id = $1",
            op.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("OPERATOR", admin.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), admin.Username, "ADMIN"),
            (audited.ActorType, audited.ActorId, audited.Fields[4], audited.Fields[5]));
        Assert.Equal($"{{\"operatorId\":{op.Id},\"username\":\"{op.Username}\",\"roles\":[\"SUPPORT\",\"COMPLIANCE\"]}}", audited.After);
    }
}
