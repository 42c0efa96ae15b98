using System.Net;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// OPERATIONS lists and replays dead letters on Transaction: a replayed event is applied once (its inbox), concurrent
/// replays of one letter send it once, a connection killed mid-replay loses nothing and doubles nothing when retried, and
/// each replay is one audit row. Dead letters are set up as rows holding a valid event the consumer never applied.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class DeadLetterAdminTests(OneGateAppFixture fixture)
{
    private const string Topic = "onegate.transactions.v1";
    private readonly TransactionAdmin admin = new(fixture);

    [Fact]
    public async Task Operations_replays_a_dead_letter_and_its_event_is_applied_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await DeadLetterAsync();

        using var listed = await admin.Client.SendAsync(operations.Authorized(HttpMethod.Get, "/api/admin/dead-letters?limit=100"));
        using var replayed = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay", new { reason = "fix deployed" });
        using var again = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay", new { reason = "double click" });

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains((await TransactionAdmin.JsonAsync(listed)).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == letter.Id);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("REPLAYED", (await TransactionAdmin.JsonAsync(replayed)).GetProperty("outcome").GetString());
        await ProblemAssert.IsProblem(again, HttpStatusCode.NotFound, "DEAD_LETTER_NOT_FOUND");
        await AppliedOnceAsync(letter);
        var row = Assert.Single(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("dead_letter.replay", "OPERATIONS", "fix deployed"), (row.Action, row.Fields[5], row.Fields[11]));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_dead_letter_send_it_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await DeadLetterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        await AppliedOnceAsync(letter);
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
        var letter = await DeadLetterAsync();

        using var list = await admin.Client.SendAsync(other.Authorized(HttpMethod.Get, "/api/admin/dead-letters"));
        using var replay = await admin.PostAsync(other, $"/api/admin/dead-letters/{letter.Id}/replay");

        await ProblemAssert.IsProblem(list, HttpStatusCode.Forbidden, "FORBIDDEN");
        await ProblemAssert.IsProblem(replay, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1", letter.Id));
        await DeleteAsync(letter.Id);
    }

    [Fact]
    public async Task A_connection_killed_after_the_event_was_sent_keeps_the_letter_and_the_retry_applies_it_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var letter = await DeadLetterAsync();

        // The replay sends the event, then waits for the audit chain's lock, which this test holds: its connection is cut there.
        var status = await ChainLock.CutWhileWaitingAsync(fixture, () => admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay"));

        Assert.True((int)status >= 500, $"the cut replay answered {(int)status}");
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1", letter.Id));
        Assert.Empty(await admin.RowsAsync("dead_letter", letter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var retried = await admin.PostAsync(operations, $"/api/admin/dead-letters/{letter.Id}/replay");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await AppliedOnceAsync(letter);
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

    private sealed record Letter(long Id, Guid EventId, string TransactionId, DateOnly ReportDate);

    /// <summary>A dead letter holding a valid, never applied PAYMENT event alone on its report date (so its total shows a double count).</summary>
    private async Task<Letter> DeadLetterAsync()
    {
        var eventId = Guid.NewGuid();
        var transactionId = "TRX-DL-" + Guid.NewGuid().ToString("N")[..16];
        var createdAt = new DateTimeOffset(2001, 1, 1, 5, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 7000));
        var payload = JsonSerializer.Serialize(new
        {
            eventId, eventType = "transaction.committed", version = 1,
            transaction = new
            {
                transactionId, userId = 1, type = "PAYMENT", status = "SUCCESS", direction = "DEBIT", amount = 1234.50m, paymentMethod = (string?)null,
                isAccessibleExternal = true, createdAt, updatedAt = createdAt,
            },
        });
        var id = (long)(await ScalarAsync("""
            INSERT INTO transaction.dead_letter_events (topic, partition, "offset", message_key, payload, error)
            VALUES ($1, 0, 0, 'dead-letter-admin-test', $2, 'test: never applied') RETURNING id
            """, Topic, payload));
        return new Letter(id, eventId, transactionId, DateOnly.FromDateTime(createdAt.ToOffset(TimeSpan.FromHours(7)).DateTime));
    }

    /// <summary>The event reached the report once: its inbox row, its transaction, and a total of one on its date; the letter gone.</summary>
    private async Task AppliedOnceAsync(Letter letter)
    {
        await Eventually.HoldsAsync(async () => (long)await ScalarAsync("SELECT count(*) FROM transaction.processed_events WHERE event_id = $1", letter.EventId) == 1L,
            TimeSpan.FromSeconds(30), "the replayed event applied");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second delivery, if any, would be consumed by now
        Assert.Equal(1L, await ScalarAsync("SELECT coalesce(sum(count), 0)::bigint FROM transaction.daily_report_totals WHERE report_date = $1", letter.ReportDate));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transaction.report_transactions WHERE transaction_id = $1", letter.TransactionId));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1 OR payload LIKE '%' || $2 || '%'", letter.Id, letter.TransactionId));
    }

    private async Task DeleteAsync(long id) => await ScalarAsync("DELETE FROM transaction.dead_letter_events WHERE id = $1 RETURNING 0::bigint", id);

    private async Task<object> ScalarAsync(string sql, params object[] values)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (await command.ExecuteScalarAsync())!;
    }
}
