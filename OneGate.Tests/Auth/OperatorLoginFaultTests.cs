using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// An operator's login that ends in a fault after its password was checked (here the client gives up while the login
/// waits for Auth's audit chain lock, which the test holds) is no failed login: the throttle counts only checked wrong
/// passwords and codes, so faults cannot lock a legitimate operator out. Runs alone: while the chain lock is held,
/// every Auth request that records an event waits.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class OperatorLoginFaultTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Logins_abandoned_while_starting_the_session_do_not_count_towards_the_lockout()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");

        // The current step's code for every abandoned login: an abandoned login commits nothing, so its code stays
        // unused, and no login waits for a new step (the clock's codes are each handed out once).
        for (var i = 0; i < 6; i++)
        {
            await AbandonWhileWaitingForTheChainAsync(op, TotpClock.Code(op.TotpSecret, TotpClock.CurrentStep));
        }

        using var login = await auth.PostAsJsonAsync("/api/admin/auth/login",
            new { username = op.Username, password = op.Password, code = await op.Clock.NextCodeAsync(op.TotpSecret) });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private async Task AbandonWhileWaitingForTheChainAsync(TestOperator op, string code)
    {
        await using var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await hold.OpenAsync();
        await using var transaction = await hold.BeginTransactionAsync();
        await ExecuteAsync(hold, transaction, "SELECT pg_advisory_xact_lock(x'0A0D1700'::int, 1)");

        using var abandon = new CancellationTokenSource();
        var sent = auth.PostAsJsonAsync("/api/admin/auth/login", new { username = op.Username, password = op.Password, code }, abandon.Token);
        const string waiting = """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = x'0A0D1700'::int::oid AND objid = 1 AND objsubid = 2
            """;
        await Eventually.HoldsAsync(async () => (long)(await ExecuteAsync(hold, transaction, waiting))! > 0, TimeSpan.FromSeconds(30),
            "the login waits for Auth's audit chain");
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);
        await Eventually.HoldsAsync(async () => (long)(await ExecuteAsync(hold, transaction, waiting))! == 0, TimeSpan.FromSeconds(30),
            "the abandoned login stops waiting");
        await transaction.RollbackAsync();
    }

    private static async Task<object?> ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction);
        return await command.ExecuteScalarAsync();
    }
}
