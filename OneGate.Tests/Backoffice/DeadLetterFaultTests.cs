using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Transaction's back-office actions whose database connection is cut while they wait for the audit chain lock (which
/// the test holds, so it runs alone): nothing is lost, nothing doubled, when retried.
/// </summary>
[Collection(FaultsAppCollection.Name)]
public sealed class DeadLetterFaultTests(FaultsApp fixture)
{
    private readonly TransactionAdmin admin = new(fixture);
    private readonly DeadLetterRows rows = new(fixture);

    [Fact]
    public async Task A_connection_killed_after_the_event_was_sent_keeps_the_letter_and_the_retry_applies_it_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await rows.DeadLetterAsync();

        // The replay sends the event, then waits for the audit chain's lock, which this test holds: its connection is cut there.
        var status = await ChainLock.CutWhileWaitingAsync(fixture, () => admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay"));

        Assert.True((int)status >= 500, $"the cut replay answered {(int)status}");
        Assert.Equal(1L, await rows.ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1", letter.Id));
        Assert.Empty(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var retried = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await rows.AppliedOnceAsync(letter);
        Assert.Single(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_connection_killed_mid_revocation_changes_nothing_and_the_retry_revokes_once()
    {
        var (compliance, _, keyId, secret) = await admin.KeyAsync();
        var regulator = new Regulators.RegulatorClient(fixture.CreateClient("transaction"));

        var status = await ChainLock.CutWhileWaitingAsync(fixture, () => admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/revoke", new { reason = "cut" }));
        using var stillWorks = await regulator.GetAsync(Regulators.RegulatorClient.TransactionsPath, secret);
        using var retried = await admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/revoke", new { reason = "retried" });
        using var refused = await regulator.GetAsync(Regulators.RegulatorClient.TransactionsPath, secret);

        Assert.True((int)status >= 500, $"the cut revocation answered {(int)status}");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(["api_key.issue", "api_key.revoke"], (await admin.RowsAsync("api_key", keyId.ToString())).Select(r => r.Action));
    }
}
