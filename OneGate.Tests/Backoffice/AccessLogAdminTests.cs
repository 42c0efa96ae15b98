using System.Net;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// COMPLIANCE browses regulators' access logs (by key, newest first, paged) and exports them as CSV; cells that come from
/// clients cannot run as spreadsheet formulas; every view and export is in Transaction's audit trail; bad filters are 400.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class AccessLogAdminTests(OneGateAppFixture fixture)
{
    private readonly TransactionAdmin admin = new(fixture);
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task Browsing_by_key_pages_newest_first_and_every_view_is_audited()
    {
        var (compliance, service, keyId, secret) = await admin.KeyAsync();
        for (var i = 1; i <= 3; i++)
        {
            using var _ = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret, userAgent: $"browse-test/{i}");
        }

        await RowsWrittenAsync(keyId, 3);

        using var first = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/access-logs?keyId={keyId}&limit=2"));
        var page1 = await TransactionAdmin.JsonAsync(first);
        var cursor = page1.GetProperty("nextCursor").GetString();
        using var second = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get,
            $"/api/admin/access-logs?keyId={keyId}&limit=2&cursor={Uri.EscapeDataString(cursor!)}"));
        var page2 = await TransactionAdmin.JsonAsync(second);
        using var byService = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get,
            $"/api/admin/access-logs?serviceId={service}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"))}"));

        var agents = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("userAgent").GetString()).ToList();
        Assert.Equal(["browse-test/3", "browse-test/2", "browse-test/1"], agents);
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextCursor").ValueKind);
        var item = page2.GetProperty("items")[0];
        Assert.Equal((service, keyId, "GET", RegulatorClient.TransactionsPath, 200),
            (item.GetProperty("serviceId").GetInt32(), item.GetProperty("keyId").GetGuid(), item.GetProperty("method").GetString(),
             item.GetProperty("endpoint").GetString(), item.GetProperty("statusCode").GetInt32()));
        Assert.Equal(3, (await TransactionAdmin.JsonAsync(byService)).GetProperty("items").GetArrayLength());
        var views = await admin.RowsByAsync(compliance, "access_logs.view");
        Assert.Equal(3, views.Count);
        Assert.Equal(keyId.ToString(), JsonDocument.Parse(views[0].After!).RootElement.GetProperty("filters").GetProperty("keyId").GetString());
        Assert.All(views, v => Assert.Equal("COMPLIANCE", v.Fields[5]));
    }

    [Fact]
    public async Task The_export_is_csv_oldest_first_with_formula_cells_made_text_and_is_audited()
    {
        var (compliance, _, keyId, secret) = await admin.KeyAsync();
        string[] agents = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "@SUM(A1:A2)", "-2, \"quoted\"", "plain agent"];
        foreach (var agent in agents)
        {
            using var _ = await regulator.GetAsync(RegulatorClient.TransactionsPath, secret, userAgent: agent);
        }

        await RowsWrittenAsync(keyId, agents.Length);

        using var export = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/access-logs/export?keyId={keyId}"));
        var csv = await export.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,created_at,service_code,key_prefix,key_id,method,endpoint,status_code,response_time_ms,ip_address,user_agent", lines[0]);
        Assert.Equal(agents.Length + 1, lines.Length);
        // Quoted where a comma or quote is in it; a would-be formula starts with ' inside the quotes.
        string[] cells = ["\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", "'+1+1", "'@SUM(A1:A2)", "\"'-2, \"\"quoted\"\"\"", "plain agent"];
        // Oldest first as the database has them (two replicas log asynchronously: not necessarily the order sent).
        var stored = await AgentsOldestFirstAsync(keyId);
        var expected = stored.Select(a => cells[Array.IndexOf(agents, a)]).ToArray();
        Assert.Equal(agents.Length, expected.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(lines[i + 1].EndsWith("," + expected[i], StringComparison.Ordinal), $"line {i + 1} should end with ,{expected[i]}:\n{csv}");
        }

        Assert.Contains($",{keyId},GET,{RegulatorClient.TransactionsPath},200,", lines[1], StringComparison.Ordinal);
        var exported = Assert.Single(await admin.RowsByAsync(compliance, "access_logs.export"));
        Assert.Equal(keyId.ToString(), JsonDocument.Parse(exported.After!).RootElement.GetProperty("filters").GetProperty("keyId").GetString());
    }

    [Theory]
    [InlineData("keyId=not-a-uuid", "keyId")]
    [InlineData("serviceId=-1", "serviceId")]
    [InlineData("serviceId=%201", "serviceId")]
    [InlineData("from=2026-12-07T10:00:00Z&to=2026-12-07T09:00:00Z", "to")]
    [InlineData("from=yesterday", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Bad_filters_are_400_naming_the_parameter_and_nothing_is_audited(string query, string field)
    {
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");

        using var browse = await admin.Client.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/access-logs?{query}"));

        var problem = await ProblemAssert.IsProblem(browse, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(await admin.RowsByAsync(compliance, "access_logs.view"));
    }

    /// <summary>Waits until the access-log writer committed the key's rows (batches wait up to 5 s in tests).</summary>
    private async Task<List<string>> AgentsOldestFirstAsync(Guid keyId)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT user_agent FROM transaction.api_access_logs WHERE api_key_id = $1 ORDER BY created_at, id", db)
        {
            Parameters = { new() { Value = keyId } },
        };
        var agents = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            agents.Add(reader.GetString(0));
        }

        return agents;
    }

    private async Task RowsWrittenAsync(Guid keyId, int count)
    {
        await Eventually.HoldsAsync(async () =>
        {
            await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
            await db.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM transaction.api_access_logs WHERE api_key_id = $1", db)
            {
                Parameters = { new() { Value = keyId } },
            };
            return (long)(await command.ExecuteScalarAsync())! >= count;
        }, TimeSpan.FromSeconds(30), "access-log rows written");
    }
}
