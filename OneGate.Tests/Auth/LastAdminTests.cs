using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// No change leaves the back office without an active ADMIN, however the changes race. Runs alone: to reach a state
/// with exactly two admins it demotes every other admin (the shared one included) and gives the role back at the end.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class LastAdminTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin_and_the_last_cannot_demote_or_deactivate_itself()
    {
        var a = await Operators.CreateAndLoginAsync(fixture, "ADMIN");
        var b = await Operators.CreateAndLoginAsync(fixture, "ADMIN");
        using var auth = fixture.CreateClient("auth");
        var others = await DemoteOtherAdminsAsync(auth, a, [a.Id, b.Id]);
        try
        {
            var statuses = await RaceAsync(() => DemoteAsync(a, b.Id), () => DemoteAsync(b, a.Id));

            Assert.Equal(1, await ActiveAdminsAsync());
            Assert.Contains(HttpStatusCode.OK, statuses);
            var survivor = await IsActiveAdminAsync(a.Id) ? a : b;
            using var demoteSelf = await auth.SendAsync(survivor.Authorized(HttpMethod.Put, $"/api/admin/operators/{survivor.Id}/roles", new { roles = new[] { "SUPPORT" } }));
            using var deactivateSelf = await auth.SendAsync(survivor.Authorized(HttpMethod.Post, $"/api/admin/operators/{survivor.Id}/deactivate", new { reason = "leaving" }));
            await ProblemAssert.IsProblem(demoteSelf, HttpStatusCode.Conflict, "LAST_ADMIN");
            await ProblemAssert.IsProblem(deactivateSelf, HttpStatusCode.Conflict, "LAST_ADMIN");
            Assert.Equal(1, await ActiveAdminsAsync());
        }
        finally
        {
            // Straight in the table (not through the API, which a failed run may have left without an admin).
            await ScalarAsync($"UPDATE operators SET roles = ARRAY['ADMIN']::varchar(20)[] WHERE id IN ({string.Join(',', others.Append(0))})");
        }
    }

    /// <summary>
    /// Forces the overlap: the test holds the operators' lock (<c>OperatorChanges</c>) until both requests wait for it
    /// — so both are past authentication, which a change that ends the other's sessions would otherwise turn into a
    /// 401 — and the audit chain's lock (every change appends its event last, just before committing); then lets the
    /// operators' lock go and holds the chain until one request waits on it and the other on the operators' lock, so
    /// both are inside their transactions at once: a check made before the other's commit shows up, however fast the
    /// machine.
    /// </summary>
    private async Task<HttpStatusCode[]> RaceAsync(params Func<Task<HttpStatusCode>>[] requests)
    {
        await using var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await hold.OpenAsync();
        await ExecuteAsync(hold, null, $"SELECT pg_advisory_lock({OperatorsLock})");
        await using (var transaction = await hold.BeginTransactionAsync())
        {
            await ExecuteAsync(hold, transaction, "SELECT pg_advisory_xact_lock(x'0A0D1700'::int, 1)");
            var sent = requests.Select(r => r()).ToArray();
            await Eventually.HoldsAsync(async () => await WaitingAsync(OperatorsLockWaiters) == requests.Length,
                TimeSpan.FromSeconds(20), "both requests wait for the operators' lock");
            await ExecuteAsync(hold, transaction, $"SELECT pg_advisory_unlock({OperatorsLock})");
            await Eventually.HoldsAsync(async () => await WaitingAsync(ChainLockWaiters) == 1 && await WaitingAsync(OperatorsLockWaiters) == requests.Length - 1,
                TimeSpan.FromSeconds(20), "one request waits for the audit chain, the other for the operators' lock");
            await transaction.RollbackAsync();

            return await Task.WhenAll(sent);
        }
    }

    // OperatorChanges' lock (one bigint key: classid 0, objid the key, objsubid 1) and Auth's audit chain's (two keys).
    private const int OperatorsLock = 0x0B008;
    private const string OperatorsLockWaiters = "classid = 0 AND objid = 45064 AND objsubid = 1";
    private const string ChainLockWaiters = "classid = x'0A0D1700'::int::oid AND objid = 1 AND objsubid = 2";

    private async Task<long> WaitingAsync(string which) =>
        (long)(await ScalarAsync($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND {which}"))!;

    private static async Task ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction? transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<HttpStatusCode> DemoteAsync(TestOperator actor, int target)
    {
        using var auth = fixture.CreateClient("auth");
        using var response = await auth.SendAsync(actor.Authorized(HttpMethod.Put, $"/api/admin/operators/{target}/roles", new { roles = new[] { "SUPPORT" } }));
        return response.StatusCode;
    }

    /// <summary>Demotes every active ADMIN but <paramref name="keep"/> to SUPPORT; returns their ids.</summary>
    private static async Task<List<int>> DemoteOtherAdminsAsync(HttpClient auth, TestOperator actor, int[] keep)
    {
        using var list = await auth.SendAsync(actor.Authorized(HttpMethod.Get, "/api/admin/operators"));
        var ids = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Where(o => o.GetProperty("isActive").GetBoolean() && o.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "ADMIN"))
            .Select(o => o.GetProperty("id").GetInt32()).Where(id => !keep.Contains(id)).ToList();
        foreach (var id in ids)
        {
            using var demoted = await auth.SendAsync(actor.Authorized(HttpMethod.Put, $"/api/admin/operators/{id}/roles", new { roles = new[] { "SUPPORT" } }));
            Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        }

        return ids;
    }

    private async Task<long> ActiveAdminsAsync() =>
        (long)(await ScalarAsync("SELECT count(*) FROM operators WHERE is_active AND 'ADMIN' = ANY(roles)"))!;

    private async Task<bool> IsActiveAdminAsync(int id) =>
        (bool)(await ScalarAsync($"SELECT EXISTS (SELECT 1 FROM operators WHERE id = {id} AND is_active AND 'ADMIN' = ANY(roles))"))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return await command.ExecuteScalarAsync();
    }
}
