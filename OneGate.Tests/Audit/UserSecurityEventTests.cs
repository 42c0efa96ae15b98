using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Audit;

/// <summary>Users' security events land in the audit trail, with who, what, from where and the trace, and never a secret.</summary>
[Collection(OneGateAppCollection.Name)]
public sealed class UserSecurityEventTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Registration_logins_and_logout_are_recorded_in_order_without_secrets()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var address = DirectClients.NewAddress();
        using var client = DirectClients.Create(fixture, "auth", address);
        using (var wrong = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "not the password" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var session = await TestUsers.LoginAsync(client, user);
        using (var logout = await auth.SendAsync(session.Authorized(HttpMethod.Post, "/api/auth/logout")))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var rows = await RowsOfAsync(user.Id);

        Assert.Equal(["user.register", "user.login.failure", "user.login.success", "user.logout"], rows.Select(r => r.Action));
        var register = rows[0];
        Assert.Equal(("USER", Id(user.Id), "user", Id(user.Id)), (register.ActorType, register.ActorId, register.TargetType, register.TargetId));
        Assert.Contains(user.Username, register.After, StringComparison.Ordinal);
        Assert.Equal(("ANONYMOUS", address.ToString()), (rows[1].ActorType, rows[1].ClientAddress));
        Assert.Equal(("USER", address.ToString()), (rows[2].ActorType, rows[2].ClientAddress));
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{32}$", r.TraceId));
        string[] secrets = [user.Password, "not the password", session.AccessToken!, session.RefreshToken!, user.Email];
        Assert.All(rows.SelectMany(r => r.Fields), field => Assert.DoesNotContain(secrets, s => field?.Contains(s, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task A_throttled_client_is_recorded_once_while_its_refusal_lasts_without_the_identifier()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var address = DirectClients.NewAddress();
        using var client = DirectClients.Create(fixture, "auth", address);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "guess " + i });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // A flood of refusals is one record per client while the refusal lasts, not one each.
        var flood = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "flood " + i });
            return response.StatusCode;
        }));
        Assert.All(flood, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var throttled = await AuditRow.ReadAsync(fixture, "action = 'user.login.throttled' AND target_type = 'login-client' AND target_id = $1 AND client_address = $1",
            address.ToString());
        Assert.Single(throttled);
        Assert.Equal(5, (await AuditRow.ReadAsync(fixture, "action = 'user.login.failure' AND target_id = $1", Id(user.Id))).Count);
    }

    [Fact]
    public async Task Refresh_token_reuse_is_recorded_with_the_sessions_it_ended()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        await TestUsers.LoginAsync(auth, user);
        using (var rotated = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        // Within 10 s of its rotation a presented token is taken for a retry whose answer was lost.
        await Task.Delay(TimeSpan.FromSeconds(11));
        using var reuse = await auth.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        await ProblemAssert.IsProblem(reuse, HttpStatusCode.Unauthorized, "REFRESH_TOKEN_REUSED");

        var row = Assert.Single(await RowsOfAsync(user.Id), r => r.Action == "user.refresh.reuse");
        Assert.Equal("{\"sessionsRevoked\":2}", row.After);
    }

    [Fact]
    public async Task Of_concurrent_registrations_of_one_name_only_the_created_user_is_recorded()
    {
        var (username, email, phone) = TestUsers.Fresh();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await auth.PostAsJsonAsync("/api/auth/register",
                new { username, email = $"{i}{email}", phone = $"{phone[..^1]}{i}", password = TestUsers.Password });
            return response.StatusCode;
        }));

        Assert.Equal(1, answers.Count(a => a == HttpStatusCode.Created));
        var recorded = await AuditRow.ReadAsync(fixture, "action = 'user.register' AND after::jsonb ->> 'username' = $1", username);
        Assert.Single(recorded);
    }

    private async Task<List<AuditRow>> RowsOfAsync(int userId) =>
        await AuditRow.ReadAsync(fixture, "(actor_type = 'USER' AND actor_id = $1) OR (target_type = 'user' AND target_id = $1)", Id(userId));

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
