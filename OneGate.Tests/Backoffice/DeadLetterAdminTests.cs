using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// OPERATIONS lists and replays dead letters on Transaction: a replayed event is applied once (its inbox), concurrent
/// replays of one letter send it once, and each replay is one audit row (a connection
/// killed mid-replay: <see cref="DeadLetterFaultTests"/>). In the Faults app: the events it fabricates and replays reach the
/// real topic and read models, which the shared app's ledger checks judge whole (they failed there).
/// </summary>
[Collection(FaultsAppCollection.Name)]
public sealed class DeadLetterAdminTests(FaultsApp fixture)
{
    private readonly TransactionAdmin admin = new(fixture);
    private readonly DeadLetterRows rows = new(fixture);

    [Fact]
    public async Task Operations_replays_a_dead_letter_and_its_event_is_applied_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await rows.DeadLetterAsync();

        // The page starting at this letter: other tests' letters, older, may be many.
        using var listed = await admin.Client.SendAsync(operations.Authorized(HttpMethod.Get, $"/api/admin/dead-letters?{(letter.Id > 1 ? $"cursor={letter.Id - 1}&" : "")}limit=1"));
        using var replayed = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay", new { reason = "fix deployed" });
        using var again = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay", new { reason = "double click" });

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains((await TransactionAdmin.JsonAsync(listed)).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == letter.Id);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("REPLAYED", (await TransactionAdmin.JsonAsync(replayed)).GetProperty("outcome").GetString());
        await ProblemAssert.IsProblem(again, HttpStatusCode.NotFound, "DEAD_LETTER_NOT_FOUND");
        await rows.AppliedOnceAsync(letter);
        var row = Assert.Single(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("dead_letter.replay", "OPERATIONS", "fix deployed"), (row.Action, row.Fields[5], row.Fields[11]));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_dead_letter_apply_it_once_with_one_audit_row()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await rows.DeadLetterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        await rows.AppliedOnceAsync(letter);
        Assert.Single(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("SUPPORT")]
    [InlineData("COMPLIANCE")]
    public async Task Other_roles_get_403_on_dead_letters_and_the_letter_stays(string role)
    {
        var other = await Operators.CreateAndLoginAsync(fixture, role);
        var letter = await rows.DeadLetterAsync();

        using var list = await admin.Client.SendAsync(other.Authorized(HttpMethod.Get, "/api/admin/dead-letters"));
        using var replay = await admin.PostAsync(other, $"/api/admin/dead-letters/{letter.Id}/replay");

        await ProblemAssert.IsProblem(list, HttpStatusCode.Forbidden, "FORBIDDEN");
        await ProblemAssert.IsProblem(replay, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(1L, await rows.ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1", letter.Id));
        await rows.DeleteAsync(letter.Id);
    }

    [Fact]
    public async Task Transactions_trail_is_browsable_by_compliance_and_verifies()
    {
        var (compliance, _, keyId, _) = await admin.KeyAsync();

        using var browse = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/audit?targetType=api_key&targetId={keyId}"));
        using var verify = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, "/api/admin/audit/verify"));
        using var export = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/audit/export?targetId={keyId}"));
        var csv = await export.Content.ReadAsStringAsync();

        var item = Assert.Single((await TransactionAdmin.JsonAsync(browse)).GetProperty("items").EnumerateArray());
        Assert.Equal(("api_key.issue", compliance.Username), (item.GetProperty("action").GetString(), item.GetProperty("actorName").GetString()));
        var verified = await TransactionAdmin.JsonAsync(verify);
        Assert.True(verified.GetProperty("intact").GetBoolean(), verified.ToString());
        Assert.Equal(2, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single(await admin.RowsByAsync(compliance, "operator.audit.export"));
    }
}
