using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// ADMIN manages operators (docs/backoffice.md, "Managing operators"): each change validates its input (nothing changes
/// otherwise), ends the operator's sessions, and is audited with before, after and reason in its transaction.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class OperatorAdminTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Admins_list_operators_and_other_roles_get_403()
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT", "OPERATIONS", "COMPLIANCE");
        using var auth = fixture.CreateClient("auth");

        using var list = await auth.SendAsync(admin.Authorized(HttpMethod.Get, "/api/admin/operators"));
        using var refused = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/operators"));

        var listed = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(o => o.GetProperty("id").GetInt32() == op.Id);
        Assert.Equal(op.Username, listed.GetProperty("username").GetString());
        Assert.Equal(admin.Id, listed.GetProperty("createdBy").GetInt32());
        Assert.False(listed.TryGetProperty("passwordHash", out _));
        await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Changing_roles_ends_the_operators_sessions_and_is_audited_with_before_after_and_reason()
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");

        using var changed = await auth.SendAsync(admin.Authorized(HttpMethod.Put, $"/api/admin/operators/{op.Id}/roles",
            new { roles = new[] { "OPERATIONS", "SUPPORT" }, reason = "moved to the operations desk" }));
        using var oldSession = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(["SUPPORT", "OPERATIONS"], (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await ProblemAssert.IsProblem(oldSession, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var again = await Operators.LoginAsync(auth, op);
        Assert.Equal(["SUPPORT", "OPERATIONS"], new JsonWebToken(again.AccessToken).Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.roles.change' AND target_id = $1", Id(op)));
        Assert.Equal(("OPERATOR", admin.Username, "ADMIN", "operator"), (audited.ActorType, audited.Fields[4], audited.Fields[5], audited.TargetType));
        Assert.Equal("{\"roles\":[\"SUPPORT\"],\"isActive\":true}", audited.Fields[9]);
        Assert.Equal("{\"roles\":[\"SUPPORT\",\"OPERATIONS\"],\"isActive\":true}", audited.After);
        Assert.Equal("moved to the operations desk", audited.Fields[11]);
        Assert.NotNull(audited.ClientAddress);
        Assert.NotNull(audited.TraceId);
    }

    [Theory]
    [InlineData("PUT", "roles", "{\"roles\":[\"ROOT\"]}", "roles")]
    [InlineData("PUT", "roles", "{\"roles\":[]}", "roles")]
    [InlineData("PUT", "roles", "{\"roles\":[\"ADMIN\"],\"reason\":\"x\\u0000y\"}", "reason")]
    [InlineData("POST", "deactivate", "{}", "reason")]
    [InlineData("POST", "deactivate", "{\"reason\":\"   \"}", "reason")]
    public async Task Bad_input_is_400_and_changes_nothing(string method, string action, string body, string field)
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");
        using var request = admin.Authorized(new HttpMethod(method), $"/api/admin/operators/{op.Id}/{action}");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await auth.SendAsync(request);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        using var session = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var now = await session.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["SUPPORT"], now.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(await AuditRow.ReadAsync(fixture, "action LIKE 'operator.%' AND action <> 'operator.create' AND target_type = 'operator' AND target_id = $1", Id(op)));
    }

    [Fact]
    public async Task An_admin_no_longer_admin_in_the_database_cannot_create_operators_with_a_token_issued_before()
    {
        var admin = await Operators.AdminAsync(fixture);
        using var auth = fixture.CreateClient("auth");
        var former = await Operators.CreateAndLoginAsync(fixture, "ADMIN");
        // The state a demotion committing after this token's authentication leaves: the row changed, the session not yet ended.
        await using (var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync()))
        {
            await db.OpenAsync();
            await using var demote = new NpgsqlCommand($"UPDATE operators SET roles = ARRAY['SUPPORT']::varchar(20)[] WHERE id = {former.Id}", db);
            await demote.ExecuteNonQueryAsync();
        }

        var name = "made" + Guid.NewGuid().ToString("N")[..8];
        using var created = await auth.SendAsync(former.Authorized(HttpMethod.Post, "/api/admin/operators",
            new { username = name, password = "operator password 1", roles = new[] { "ADMIN" } }));
        using var list = await auth.SendAsync(admin.Authorized(HttpMethod.Get, "/api/admin/operators"));

        await ProblemAssert.IsProblem(created, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.DoesNotContain((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), o => o.GetProperty("username").GetString() == name);
    }

    [Fact]
    public async Task An_unknown_operator_is_404()
    {
        var admin = await Operators.AdminAsync(fixture);
        using var auth = fixture.CreateClient("auth");

        using var get = await auth.SendAsync(admin.Authorized(HttpMethod.Get, "/api/admin/operators/999999"));
        using var deactivate = await auth.SendAsync(admin.Authorized(HttpMethod.Post, "/api/admin/operators/999999/deactivate", new { reason = "gone" }));

        await ProblemAssert.IsProblem(get, HttpStatusCode.NotFound, "OPERATOR_NOT_FOUND");
        await ProblemAssert.IsProblem(deactivate, HttpStatusCode.NotFound, "OPERATOR_NOT_FOUND");
    }

    [Fact]
    public async Task Deactivation_ends_the_sessions_at_once_refuses_login_and_is_final()
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        using var auth = fixture.CreateClient("auth");

        using var deactivated = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/deactivate", new { reason = "left the company" }));
        using var oldSession = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        using var login = await auth.PostAsJsonAsync("/api/admin/auth/login",
            new { username = op.Username, password = op.Password, code = await op.Clock.NextCodeAsync(op.TotpSecret) });
        using var twice = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/deactivate", new { reason = "again" }));

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await deactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isActive").GetBoolean());
        await ProblemAssert.IsProblem(oldSession, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(login, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        await ProblemAssert.IsProblem(twice, HttpStatusCode.Conflict, "OPERATOR_INACTIVE");
        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.deactivate' AND target_id = $1", Id(op)));
        Assert.Equal(("{\"roles\":[\"COMPLIANCE\"],\"isActive\":true}", "{\"roles\":[\"COMPLIANCE\"],\"isActive\":false}", "left the company"),
            (audited.Fields[9], audited.After, audited.Fields[11]));
        Assert.Contains("inactive", Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", Id(op))).After,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_totp_reset_returns_a_new_enrolment_once_and_only_its_codes_work()
    {
        var admin = await Operators.AdminAsync(fixture);
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using var auth = fixture.CreateClient("auth");

        using var reset = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/totp-reset", new { reason = "lost phone" }));
        using var oldSession = await auth.SendAsync(op.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
        using var oldCode = await auth.PostAsJsonAsync("/api/admin/auth/login",
            new { username = op.Username, password = op.Password, code = TotpClock.Code(op.TotpSecret, TotpClock.CurrentStep) });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var totp = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totp");
        Assert.StartsWith("data:image/png;base64,iVBOR", totp.GetProperty("qrCode").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblem(oldSession, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(oldCode, HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var secret = TotpClock.UriSecret(totp.GetProperty("uri").GetString()!);
        await Operators.LoginAsync(auth, op with { TotpSecret = secret, Clock = new TotpClock() });
        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.totp.reset' AND target_id = $1", Id(op)));
        Assert.Equal("lost phone", audited.Fields[11]);
        Assert.DoesNotContain(totp.GetProperty("uri").GetString()!.Split("secret=")[1].Split('&')[0], string.Concat(audited.Fields), StringComparison.Ordinal);
    }

    private static string Id(TestOperator op) => op.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
