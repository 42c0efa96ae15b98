using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Payment's admin actions when the database connection dies in the middle of one (a failover, a restart, a session
/// terminated by a DBA): the action is a 503 the operator retries, it changed nothing, and the retry makes exactly one
/// change with exactly one audit row. The connection is cut while the action waits for Payment's audit chain lock,
/// which the test holds: after the change, before its commit. Runs alone: while the lock is held every audited
/// Payment request waits, and the cut clears Payment's connection pool.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class AdminActionFaultTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task Suspend_close_and_resolve_cut_off_mid_action_change_nothing_and_their_retry_changes_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var funded = await AccountOfAsync(operations, (await payment.FundedUserAsync(auth, 10_000m)).Id);
        var spent = await payment.FundedUserAsync(auth, 10_000m);
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(spent, 10_000m)).Status);
        var empty = await AccountOfAsync(operations, spent.Id);
        var refund = await new StrandedTopUps(fixture, provider).StrandAsync(operations);

        await CutOffThenRetryAsync(operations, $"/api/admin/accounts/{funded}/suspend", new { reason = "fraud report" },
            "SELECT status::text FROM accounts WHERE id = $1", funded, "ACTIVE", "SUSPENDED", "account.suspend");
        await CutOffThenRetryAsync(operations, $"/api/admin/accounts/{empty}/close", new { reason = "customer asked" },
            "SELECT status::text FROM accounts WHERE id = $1", empty, "ACTIVE", "CLOSED", "account.close");
        await CutOffThenRetryAsync(operations, $"/api/admin/stranded-money/{refund}/resolve", new { note = "paid by bank transfer" },
            "SELECT status FROM top_up_refunds WHERE transaction_id = $1", refund, "PENDING", "RESOLVED", "stranded_refund.resolve");
    }

    private async Task CutOffThenRetryAsync(TestOperator op, string path, object body, string stateSql, object target, string before, string after, string action)
    {
        HttpResponseMessage cut;
        await using (var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync()))
        {
            await hold.OpenAsync();
            await using var transaction = await hold.BeginTransactionAsync();
            await ExecuteAsync(hold, transaction, "SELECT pg_advisory_xact_lock(x'0A0D1700'::int, 2)");
            var sent = admin.SendAsync(op.Authorized(HttpMethod.Post, path, body));
            long terminated = 0;
            await Eventually.HoldsAsync(async () => (terminated = (long)(await ExecuteAsync(hold, transaction, """
                SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                 WHERE locktype = 'advisory' AND NOT granted AND classid = x'0A0D1700'::int::oid AND objid = 2 AND objsubid = 2
                """))!) > 0, TimeSpan.FromSeconds(20), $"{action} waits for Payment's audit chain");
            await transaction.RollbackAsync();
            cut = await sent;
        }

        using (cut)
        {
            await ProblemAssert.IsProblem(cut, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        }

        Assert.Equal(before, await provider.ScalarAsync<string>(stateSql, target));
        Assert.Empty(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = $1 AND target_id = $2", action, target.ToString()!));

        using var retried = await admin.SendAsync(op.Authorized(HttpMethod.Post, path, body));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(after, await provider.ScalarAsync<string>(stateSql, target));
        Assert.Single(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = $1 AND target_id = $2", action, target.ToString()!));
    }

    private static async Task<object?> ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction);
        return await command.ExecuteScalarAsync();
    }

    private async Task<Guid> AccountOfAsync(TestOperator op, int userId)
    {
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, $"/api/admin/users/{userId}/account"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountId").GetGuid();
    }
}
