using System.Globalization;
using System.Net;
using Npgsql;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// Redis failing while an admin's change ends the operator's sessions (docs/backoffice.md, "Managing operators"): the
/// change is not committed (503, Retry-After, the operator still active, no audit row), and the retry once Redis is
/// back deactivates it and ends its session at every service. Redis is stopped through Aspire while the change waits
/// for the operator's row, which the test holds.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class OperatorChangeRedisFaultTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payment = fixture.CreateClient("payment");

    [Fact]
    public async Task A_deactivation_whose_sessions_cannot_be_ended_changes_nothing_and_its_retry_ends_them()
    {
        var admin = await Operators.AdminAsync(fixture);
        var target = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        var id = target.Id.ToString(CultureInfo.InvariantCulture);

        HttpResponseMessage first;
        await using (var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync()))
        {
            await hold.OpenAsync();
            await using var transaction = await hold.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM operators WHERE id = {target.Id} FOR UPDATE", hold, transaction))
            {
                await lockRow.ExecuteNonQueryAsync();
            }

            var sent = auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{target.Id}/deactivate", new { reason = "left the company" }));
            await Eventually.HoldsAsync(async () => await CountAsync(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple') AND query ILIKE '%operators%'") >= 1,
                TimeSpan.FromSeconds(20), "the deactivation waits for the operator's row");
            await fixture.StopAsync("redis");
            await transaction.RollbackAsync();
            first = await sent;
        }

        try
        {
            using (first)
            {
                await ProblemAssert.IsProblem(first, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                Assert.True(first.Headers.Contains("Retry-After"));
            }

            Assert.Equal(1, await CountAsync($"SELECT count(*) FROM operators WHERE id = {target.Id} AND is_active"));
            Assert.Empty(await AuditRow.ReadAsync(fixture, "action = 'operator.deactivate' AND target_id = $1", id));
        }
        finally
        {
            await fixture.StartAsync("redis");
        }

        // The services reconnect by themselves (Redis keeps an append-only file: sessions survive its restart). The
        // session lives until the retry, so the 401 after it shows the retry ended it.
        await Eventually.HoldsAsync(async () =>
        {
            using var live = await payment.SendAsync(target.Authorized(HttpMethod.Get, "/api/admin/stranded-money"));
            return live.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "the target's session works at Payment once Redis is back");
        var retried = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); retried != HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline; await Task.Delay(500))
        {
            using var retry = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{target.Id}/deactivate", new { reason = "left the company" }));
            retried = retry.StatusCode;
            Assert.True(retried is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"retry answered {retried}");
        }

        Assert.Equal(HttpStatusCode.OK, retried);
        using var afterwards = await payment.SendAsync(target.Authorized(HttpMethod.Get, "/api/admin/stranded-money"));
        await ProblemAssert.IsProblem(afterwards, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.deactivate' AND target_id = $1", id));
        foreach (var service in OneGateAppFixture.ServiceResources)
        {
            await ResourceControl.WaitForEveryInstanceAsync(fixture, service,
                s => s.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
