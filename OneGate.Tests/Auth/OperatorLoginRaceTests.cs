using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// An operator's login racing an admin's change to that operator (docs/backoffice.md, "Sessions"): a token that works
/// carries the roles the database holds, a code of a replaced TOTP secret starts nothing, and the trail records a
/// successful login when the login answered 200. Each repetition forces the overlap: the test holds a lock
/// the first request waits on (Auth's audit chain lock, which every change and login takes last, just before its
/// commit) until the second request waits on the operator's row, then lets both go. Runs alone: while the chain
/// lock is held, every Auth request that records an event waits.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class OperatorLoginRaceTests(OneGateAppFixture fixture)
{
    private const int Repetitions = 8;

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payment = fixture.CreateClient("payment");

    [Fact]
    public async Task A_login_racing_a_role_change_never_yields_a_live_token_with_the_old_roles()
    {
        var admin = await Operators.AdminAsync(fixture);
        for (var i = 0; i < Repetitions; i++)
        {
            var op = await Operators.CreateAsync(fixture, "SUPPORT", "OPERATIONS");
            var codes = new[] { await op.Clock.NextCodeAsync(op.TotpSecret), await op.Clock.NextCodeAsync(op.TotpSecret) };

            var (change, logins) = await ChangeThenLoginAsync(
                () => auth.SendAsync(admin.Authorized(HttpMethod.Put, $"/api/admin/operators/{op.Id}/roles", new { roles = new[] { "SUPPORT" }, reason = "race" })),
                codes.Select(code => (Func<Task<HttpResponseMessage>>)(() => LoginAsync(op, code))).ToArray());

            // The change commits first; whichever login then gets the row consumes its code and starts a live session with
            // the new roles. The other is 200 as well when its code is the later one, else its code is taken: code-reused.
            Assert.Equal(HttpStatusCode.OK, change.Status);
            Assert.All(logins, l => Assert.True(l.Status is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"login answered {l.Status}"));
            Assert.Contains(logins, l => l.Status == HttpStatusCode.OK);
            foreach (var (_, token) in logins.Where(l => l.Status == HttpStatusCode.OK))
            {
                Assert.True(await IsLiveAsync(token!), "a login after the change started no live session");
                Assert.Equal(["SUPPORT"], Roles(token!));
            }

            var failures = await FailuresAsync(op);
            Assert.Equal(logins.Count(l => l.Status == HttpStatusCode.Unauthorized), failures.Count);
            Assert.All(failures, f => Assert.Equal("code-reused", f));
        }
    }

    [Fact]
    public async Task A_code_of_the_secret_a_totp_reset_replaces_starts_no_live_session()
    {
        var admin = await Operators.AdminAsync(fixture);
        for (var i = 0; i < Repetitions; i++)
        {
            var op = await Operators.CreateAsync(fixture, "SUPPORT");
            var code = await op.Clock.NextCodeAsync(op.TotpSecret);

            var (change, logins) = await ChangeThenLoginAsync(
                () => auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/totp-reset", new { reason = "race" })),
                () => LoginAsync(op, code));

            Assert.Equal(HttpStatusCode.OK, change.Status);
            var (status, _) = Assert.Single(logins);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(["code"], await FailuresAsync(op));
        }
    }

    [Fact]
    public async Task A_login_racing_a_deactivation_is_recorded_as_succeeded_only_when_it_answered_200_and_its_session_ends()
    {
        var admin = await Operators.AdminAsync(fixture);
        for (var i = 0; i < Repetitions; i++)
        {
            var op = await Operators.CreateAsync(fixture, "SUPPORT");
            var code = await op.Clock.NextCodeAsync(op.TotpSecret);

            // The login first this time: it holds the row when the deactivation comes.
            var (login, deactivations) = await ChangeThenLoginAsync(() => LoginAsync(op, code), () => auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/deactivate", new { reason = "race" })));

            Assert.Equal(HttpStatusCode.OK, Assert.Single(deactivations).Status);
            var id = op.Id.ToString(CultureInfo.InvariantCulture);
            var succeeded = await AuditRow.ReadAsync(fixture, "action = 'operator.login.succeeded' AND actor_id = $1", id);
            var failed = await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", id);
            Assert.Equal(HttpStatusCode.OK, login.Status);
            Assert.Single(succeeded);
            Assert.Empty(failed);
            Assert.False(await IsLiveAsync(login.Token!), "the deactivated operator's session is live");
        }
    }

    /// <summary>
    /// Sends <paramref name="first"/> while the test holds Auth's audit chain lock, waits until it waits for that lock,
    /// sends <paramref name="then"/> and waits until each of them waits for the operator's row, then lets go.
    /// </summary>
    private async Task<((HttpStatusCode Status, string? Token) First, List<(HttpStatusCode Status, string? Token)> Then)> ChangeThenLoginAsync(
        Func<Task<HttpResponseMessage>> first, params Func<Task<HttpResponseMessage>>[] then)
    {
        await using var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await hold.OpenAsync();
        await using var transaction = await hold.BeginTransactionAsync();
        await using (var lockChain = new NpgsqlCommand("SELECT pg_advisory_xact_lock(x'0A0D1700'::int, 1)", hold, transaction))
        {
            await lockChain.ExecuteNonQueryAsync();
        }

        var firstSent = first();
        await WaitForAsync("""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = x'0A0D1700'::int::oid AND objid = 1 AND objsubid = 2
            """, 1, "the first request waits for the audit chain");
        var sent = then.Select(t => t()).ToArray();
        await WaitForAsync("""
            SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple') AND query ILIKE '%operators%'
            """, then.Length, "the second requests wait for the operator's row");
        await transaction.RollbackAsync();

        var firstAnswer = await AnswerAsync(await firstSent);
        var results = new List<(HttpStatusCode, string?)>();
        foreach (var response in await Task.WhenAll(sent))
        {
            results.Add(await AnswerAsync(response));
        }

        return (firstAnswer, results);
    }

    /// <summary>The status and, for a login that succeeded, its access token.</summary>
    private static async Task<(HttpStatusCode Status, string? Token)> AnswerAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.TryGetProperty("accessToken", out var token)
                ? token.GetString()
                : null);
        }
    }

    private async Task WaitForAsync(string countSql, long atLeast, string what)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await Eventually.HoldsAsync(async () =>
        {
            await using var command = new NpgsqlCommand(countSql, db);
            return (long)(await command.ExecuteScalarAsync())! >= atLeast;
        }, TimeSpan.FromSeconds(30), what);
    }

    /// <summary>The failure (<c>code</c>, <c>code-reused</c>, …) of each failed login of the operator, as the trail records it.</summary>
    private async Task<List<string>> FailuresAsync(TestOperator op) =>
        [.. (await AuditRow.ReadAsync(fixture, "action = 'operator.login.failed' AND target_id = $1", op.Id.ToString(CultureInfo.InvariantCulture)))
            .Select(r => JsonDocument.Parse(r.After!).RootElement.GetProperty("failure").GetString()!)];

    private Task<HttpResponseMessage> LoginAsync(TestOperator op, string code) =>
        auth.PostAsJsonAsync("/api/admin/auth/login", new { username = op.Username, password = op.Password, code });

    /// <summary>Whether the token's session is still live: Payment reads a list any staff role may read.</summary>
    private async Task<bool> IsLiveAsync(string token)
    {
        using var response = await payment.SendAsync(BearerRequest.Of(token, HttpMethod.Get, "/api/admin/stranded-money"));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"stranded-money answered {response.StatusCode}");
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static string[] Roles(string token) =>
        [.. new JsonWebToken(token).Claims.Where(c => c.Type == "roles").Select(c => c.Value).Order()];
}
