using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// COMPLIANCE browses, exports and verifies Payment's own audit trail (<c>payment.audit_events</c>) with the filters,
/// limits and answers of Auth's (docs/backoffice.md, "Browsing the trail"); the export is recorded in Payment's chain.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class PaymentAuditTrailApiTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Compliance_pages_through_an_accounts_events_and_exports_them_and_the_export_is_audited_in_payments_chain()
    {
        var (account, operations) = await SuspendedAndReactivatedAsync();
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var filter = $"targetType=account&targetId={account}&actorType=OPERATOR&actorId={operations.Id}";

        var seen = new List<JsonElement>();
        long? cursor = null;
        do
        {
            var page = await GetJsonAsync(compliance, $"/api/admin/audit?{filter}&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetInt64();
        }
        while (cursor is not null);
        using var export = await admin.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/audit/export?{filter}"));
        var verify = await GetJsonAsync(compliance, "/api/admin/audit/verify");

        // account.view (the lookup), account.suspend, account.reactivate: newest first, each once.
        Assert.Equal(["account.reactivate", "account.suspend", "account.view"], seen.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("report cleared", seen[0].GetProperty("reason").GetString());
        Assert.Matches("^[0-9a-f]{64}$", seen[0].GetProperty("hash").GetString());
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,occurred_at,actor_type,actor_id,actor_name,actor_role,action", lines[0], StringComparison.Ordinal);
        Assert.Equal(seen.Select(e => e.GetProperty("id").GetInt64()).Reverse(), lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)));
        Assert.Contains($",OPERATOR,{operations.Id},{operations.Username},OPERATIONS,account.suspend,account,{account},", lines[2], StringComparison.Ordinal);
        // A would-be formula is made text (the stored reason keeps its form: the hash covers it).
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\")\",", lines[2], StringComparison.Ordinal);
        var recorded = Assert.Single(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = 'operator.audit.export' AND actor_id = $1",
            compliance.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("COMPLIANCE", recorded.Fields[5]);
        Assert.Contains($"\"targetId\":\"{account}\"", recorded.After, StringComparison.Ordinal);
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("events").GetInt64() >= recorded.Id);
    }

    [Fact]
    public async Task Only_compliance_may_browse_export_or_verify_payments_trail()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS", "SUPPORT");
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        foreach (var path in new[] { "/api/admin/audit", "/api/admin/audit/export", "/api/admin/audit/verify" })
        {
            using var refused = await admin.SendAsync(operations.Authorized(HttpMethod.Get, path));
            using var userToken = await admin.SendAsync(BearerRequest.Of(user.AccessToken, HttpMethod.Get, path));
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
            await ProblemAssert.IsProblem(userToken, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        Assert.Empty(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = 'operator.audit.export' AND actor_id = $1",
            operations.Id.ToString(CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("/api/admin/audit?limit=0")]
    [InlineData("/api/admin/audit?limit=101")]
    [InlineData("/api/admin/audit?limit=%205")]
    [InlineData("/api/admin/audit?actorType=ROBOT")]
    [InlineData("/api/admin/audit?targetId=%3Cscript%3E")]
    [InlineData("/api/admin/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("/api/admin/audit/export?action=DROP%20TABLE")]
    public async Task Bad_filters_are_400_and_a_refused_export_is_not_recorded(string path)
    {
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");

        using var response = await admin.SendAsync(compliance.Authorized(HttpMethod.Get, path));

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Empty(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "actor_id = $1", compliance.Id.ToString(CultureInfo.InvariantCulture)));
    }

    private async Task<(Guid Account, TestOperator Operations)> SuspendedAndReactivatedAsync()
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var account = (await GetJsonAsync(operations, $"/api/admin/users/{user.Id}/account")).GetProperty("accountId").GetGuid();
        foreach (var (verb, reason) in new[] { ("suspend", "=HYPERLINK(\"x\")"), ("reactivate", "report cleared") })
        {
            using var changed = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/{verb}", new { reason }));
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        return (account, operations);
    }

    private async Task<JsonElement> GetJsonAsync(TestOperator op, string path)
    {
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
