using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Transaction's back office for regulator services and keys, through the running app (two Transaction replicas):
/// COMPLIANCE creates a service and issues a key shown once that works at /api/external; rotation keeps the old key for
/// the grace (8 s in tests) and no longer; revocation is refused at once by both replicas; concurrent rotations and
/// revocations of one key make one change and one audit row; other roles and user tokens are refused.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class RegulatorKeyAdminTests(OneGateAppFixture fixture)
{
    private readonly TransactionAdmin admin = new(fixture);
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task Compliance_issues_a_key_shown_once_that_works_at_api_external_and_is_stored_as_its_hash_only()
    {
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var service = await admin.CreateServiceAsync(compliance);

        using var issued = await admin.PostAsync(compliance, $"/api/admin/regulators/{service}/keys", new { name = "BI reporting", reason = "onboarding" });
        var json = await TransactionAdmin.JsonAsync(issued);
        var secret = json.GetProperty("secret").GetString()!;
        var keyId = json.GetProperty("key").GetProperty("id").GetGuid();
        using var used = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret);
        using var listed = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, "/api/admin/regulators"));
        var list = await listed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.True(issued.Headers.CacheControl?.NoStore, "an answer carrying a secret must not be stored");
        Assert.StartsWith("og_live_", secret, StringComparison.Ordinal);
        Assert.Equal("ACTIVE", json.GetProperty("key").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[8..], list, StringComparison.Ordinal);
        var listedKey = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == service)
            .GetProperty("keys").EnumerateArray().Single();
        Assert.Equal(keyId, listedKey.GetProperty("id").GetGuid());
        Assert.Equal(1000, listedKey.GetProperty("rateLimits").GetProperty("perMinute").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), await KeyColumnAsync(keyId, "key_hash"));
        var row = Assert.Single(await admin.RowsAsync("api_key", keyId.ToString()));
        Assert.Equal(("api_key.issue", "OPERATOR", "COMPLIANCE", "onboarding"), (row.Action, row.ActorType, row.Fields[5], row.Fields[11]));
        Assert.Equal(compliance.Username, row.Fields[4]);
        Assert.DoesNotContain(secret[8..], row.After!, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", row.TraceId);
        Assert.False(string.IsNullOrEmpty(row.ClientAddress));
    }

    [Theory]
    [InlineData("SUPPORT")]
    [InlineData("OPERATIONS")]
    [InlineData("ADMIN")]
    public async Task Other_roles_get_403_on_regulator_keys_and_change_nothing(string role)
    {
        var (_, service, keyId, secret) = await admin.KeyAsync();
        var other = await Operators.CreateAndLoginAsync(fixture, role);

        using var list = await admin.Client.SendAsync(other.Authorized(HttpMethod.Get, "/api/admin/regulators"));
        using var issue = await admin.PostAsync(other, $"/api/admin/regulators/{service}/keys", new { name = "mine" });
        using var revoke = await admin.PostAsync(other, $"/api/admin/keys/{keyId}/revoke", new { reason = "not mine to do" });
        using var logs = await admin.Client.SendAsync(other.Authorized(HttpMethod.Get, "/api/admin/access-logs"));
        using var trail = await admin.Client.SendAsync(other.Authorized(HttpMethod.Get, "/api/admin/audit"));
        using var used = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret);

        foreach (var refused in new[] { list, issue, revoke, logs, trail })
        {
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Single(await admin.RowsAsync("api_key", keyId.ToString()));
    }

    [Fact]
    public async Task A_user_token_is_401_on_transactions_admin_api()
    {
        var user = await TestUsers.RegisterAndLoginAsync(fixture.CreateClient("auth"));

        using var list = await admin.Client.SendAsync(BearerRequest.Of(user.AccessToken, HttpMethod.Get, "/api/admin/regulators"));
        using var letters = await admin.Client.SendAsync(BearerRequest.Of(user.AccessToken, HttpMethod.Get, "/api/admin/dead-letters"));

        await ProblemAssert.IsProblem(list, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await ProblemAssert.IsProblem(letters, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_by_both_replicas()
    {
        var (compliance, _, keyId, secret) = await admin.KeyAsync();
        Assert.Equal(2, (await ServedAsync(secret, HttpStatusCode.OK)).Count);

        using var revoked = await admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/revoke", new { reason = "leaked in a ticket" });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("REVOKED", (await TransactionAdmin.JsonAsync(revoked)).GetProperty("status").GetString());
        // The very next requests, spread over both replicas: every one refused.
        Assert.Equal(2, (await ServedAsync(secret, HttpStatusCode.Unauthorized)).Count);
        var row = (await admin.RowsAsync("api_key", keyId.ToString())).Last();
        Assert.Equal(("api_key.revoke", "leaked in a ticket"), (row.Action, row.Fields[11]));
        Assert.Equal("ACTIVE", JsonDocument.Parse(row.Fields[9]!).RootElement.GetProperty("status").GetString());
        Assert.Equal("REVOKED", JsonDocument.Parse(row.After!).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_rotated_key_works_within_its_grace_beside_its_successor_and_is_refused_after()
    {
        var (compliance, _, keyId, oldSecret) = await admin.KeyAsync();

        using var rotated = await admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/rotate", new { reason = "yearly rotation" });
        var json = await TransactionAdmin.JsonAsync(rotated);
        var newSecret = json.GetProperty("secret").GetString()!;
        using var oldWithin = await regulator.GetAsync(RegulatorClient.TransactionsPath, oldSecret);
        var oldAnsweredAt = DateTimeOffset.UtcNow;
        using var newWithin = await regulator.GetAsync(RegulatorClient.TransactionsPath, newSecret);

        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        Assert.True(rotated.Headers.CacheControl?.NoStore, "an answer carrying a secret must not be stored");
        Assert.Equal("GRACE", json.GetProperty("previous").GetProperty("status").GetString());
        Assert.Equal(keyId, json.GetProperty("key").GetProperty("rotatedFromId").GetGuid());
        var graceEnd = json.GetProperty("previous").GetProperty("expiresAt").GetDateTimeOffset();
        // Within the grace by the returned expiresAt (under load the grace may be over already: then nothing to check).
        if (oldAnsweredAt < graceEnd)
        {
            Assert.Equal(HttpStatusCode.OK, oldWithin.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, newWithin.StatusCode);

        await Task.Delay(graceEnd - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await ServedAsync(oldSecret, HttpStatusCode.Unauthorized)).Count);
        using var newAfter = await regulator.GetAsync(RegulatorClient.TransactionsPath, newSecret);
        Assert.Equal(HttpStatusCode.OK, newAfter.StatusCode);
    }

    [Fact]
    public async Task Concurrent_rotations_of_one_key_issue_one_successor_with_one_audit_row()
    {
        var (compliance, _, keyId, _) = await admin.KeyAsync();

        // All twelve wait at once (one for the chain lock, the others behind its row lock) before any may commit.
        var responses = await ChainLock.HoldUntilWaitingAsync(fixture, 12,
            () => Task.WhenAll(Enumerable.Range(0, 12).Select(_ => admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/rotate"))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict, "KEY_ALREADY_ROTATED");
        }

        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transaction.api_keys WHERE rotated_from_id = $1", keyId));
        Assert.Single(await admin.RowsAsync("api_key", keyId.ToString()), r => r.Action == "api_key.rotate");
        DisposeAll(responses);
    }

    [Fact]
    public async Task Concurrent_revocations_and_rotations_of_one_key_make_one_revocation_and_a_consistent_key()
    {
        var (compliance, _, keyId, secret) = await admin.KeyAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 3 == 0
            ? admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/rotate")
            : admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/revoke", new { reason = "burst " + i })));

        var revokes = responses.Where((_, i) => i % 3 != 0).ToList();
        Assert.Equal(1, revokes.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(revokes.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var rotationAnswers = responses.Where((_, i) => i % 3 == 0).ToList();
        foreach (var refused in rotationAnswers.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var code = (await TransactionAdmin.JsonAsync(refused)).GetProperty("code").GetString();
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains(code, new[] { "KEY_ALREADY_ROTATED", "KEY_NOT_ACTIVE" });
        }

        var rotations = rotationAnswers.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.InRange(rotations, 0, 1);
        var rows = await admin.RowsAsync("api_key", keyId.ToString());
        Assert.Single(rows, r => r.Action == "api_key.revoke");
        Assert.Equal(rotations, rows.Count(r => r.Action == "api_key.rotate"));
        Assert.Equal(rotations, await ScalarAsync("SELECT count(*) FROM transaction.api_keys WHERE rotated_from_id = $1", keyId));
        using var used = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret);
        await ProblemAssert.IsProblem(used, HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        DisposeAll(responses);
    }

    [Fact]
    public async Task New_limits_apply_on_the_next_request_and_invalid_ones_are_400_and_change_nothing()
    {
        var (compliance, _, keyId, secret) = await admin.KeyAsync();

        using var invalid = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{keyId}/limits",
            new { rateLimits = new { perMinute = 50, perHour = 10 } }));
        using var none = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{keyId}/limits", new { rateLimits = new { } }));
        // Hours, not minutes: a minute boundary between the requests would reset the counter.
        using var set = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{keyId}/limits",
            new { rateLimits = new { perHour = 5 }, reason = "trial period" }));
        var statuses = new List<HttpStatusCode>();
        await UseAsync(secret, 2, statuses);
        using var tightened = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{keyId}/limits",
            new { rateLimits = new { perHour = 3 }, reason = "trial period" }));
        await UseAsync(secret, 2, statuses);

        await ProblemAssert.IsProblem(invalid, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await ProblemAssert.IsProblem(none, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tightened.StatusCode);
        // The two requests made at 5/h still count at 3/h: one more is served, the next refused.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(["api_key.issue", "api_key.limits", "api_key.limits"], (await admin.RowsAsync("api_key", keyId.ToString())).Select(r => r.Action));

    }

    [Fact]
    public async Task A_rotated_keys_successor_gets_only_the_rest_of_its_rate_limit_budget()
    {
        var (compliance, _, keyId, oldSecret) = await admin.KeyAsync();
        using var set = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{keyId}/limits",
            new { rateLimits = new { perHour = 5 } }));
        var statuses = new List<HttpStatusCode>();
        await UseAsync(oldSecret, 2, statuses);

        using var rotated = await admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/rotate");
        var newSecret = (await TransactionAdmin.JsonAsync(rotated)).GetProperty("secret").GetString()!;
        await UseAsync(newSecret, 4, statuses);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        // 5/h for the chain: 2 used by the old key, 3 left for its successor.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);

    }

    [Fact]
    public async Task A_key_of_a_deactivated_service_is_not_rotated()
    {
        var (compliance, service, keyId, _) = await admin.KeyAsync();
        await ScalarAsync("UPDATE transaction.external_services SET is_active = false WHERE id = $1 RETURNING 0::bigint", service);

        using var rotated = await admin.PostAsync(compliance, $"/api/admin/keys/{keyId}/rotate");

        await ProblemAssert.IsProblem(rotated, HttpStatusCode.Conflict, "SERVICE_INACTIVE");
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM transaction.api_keys WHERE rotated_from_id = $1", keyId));
    }

    [Fact]
    public async Task A_taken_code_is_409_and_unknown_targets_are_404()
    {
        var (compliance, service, _, _) = await admin.KeyAsync();
        using var services = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, "/api/admin/regulators"));
        var code = (await TransactionAdmin.JsonAsync(services)).EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == service).GetProperty("code").GetString();

        using var taken = await admin.PostAsync(compliance, "/api/admin/regulators", new
        {
            code, name = "another name", permissions = new[] { "READ_REPORTS" }, rateLimits = new { perDay = 10 },
        });
        using var noService = await admin.PostAsync(compliance, "/api/admin/regulators/999999/keys", new { name = "k" });
        using var noKey = await admin.PostAsync(compliance, $"/api/admin/keys/{Guid.NewGuid()}/revoke", new { reason = "r" });

        await ProblemAssert.IsProblem(taken, HttpStatusCode.Conflict, "SERVICE_EXISTS");
        await ProblemAssert.IsProblem(noService, HttpStatusCode.NotFound, "SERVICE_NOT_FOUND");
        await ProblemAssert.IsProblem(noKey, HttpStatusCode.NotFound, "KEY_NOT_FOUND");
    }

    [Fact]
    public async Task The_keys_commands_changes_are_recorded_as_SYSTEM_in_transactions_trail()
    {
        var key = await RegulatorKeys.CreateByCommandAsync(fixture);
        var (exit, output, error) = await RegulatorKeys.RunAsync(fixture, "revoke", key.Id.ToString());
        Assert.True(exit == 0, output + error);

        var rows = await admin.RowsAsync("api_key", key.Id.ToString());

        Assert.Equal(["api_key.issue", "api_key.revoke"], rows.Select(r => r.Action));
        Assert.All(rows, r => Assert.Equal(("SYSTEM", "keys command"), (r.ActorType, r.Fields[4])));
        var (verified, verifyOutput, verifyError) = await RegulatorKeys.RunCommandAsync(fixture, ["audit", "verify"]);
        Assert.True(verified == 0, $"audit verify exited {verified}: {verifyOutput} {verifyError}");
        Assert.Contains("Audit chain intact", verifyOutput, StringComparison.Ordinal);
    }

    /// <summary>Requests on new connections until both replicas answered (at most 40); each must have the status. The replicas seen.</summary>
    private async Task<HashSet<string>> ServedAsync(string secret, HttpStatusCode expected)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 40 && seen.Count < 2; i++)
        {
            using var response = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret, newConnection: true);
            Assert.Equal(expected, response.StatusCode);
            seen.Add(RegulatorClient.ServedBy(response));
        }

        return seen;
    }

    private async Task<string?> KeyColumnAsync(Guid keyId, string column) =>
        (string?)await ScalarObjectAsync($"SELECT {column} FROM transaction.api_keys WHERE id = $1", keyId);

    private async Task<long> ScalarAsync(string sql, object value) => (long)(await ScalarObjectAsync(sql, value))!;

    private async Task<object?> ScalarObjectAsync(string sql, object value)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = value } } };
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Makes <paramref name="requests"/> regulator requests one after the other, noting each answer's status.</summary>
    private async Task UseAsync(string secret, int requests, List<HttpStatusCode> statuses)
    {
        for (var i = 0; i < requests; i++)
        {
            using var response = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret);
            statuses.Add(response.StatusCode);
        }
    }

    private static void DisposeAll(IEnumerable<HttpResponseMessage> responses)
    {
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
