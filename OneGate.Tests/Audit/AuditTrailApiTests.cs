using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Audit;

/// <summary>
/// COMPLIANCE browses the audit trail with filters and a cursor, exports it as CSV, and verifies the chain through the
/// API (docs/backoffice.md, "Browsing the trail"); other roles are refused.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class AuditTrailApiTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Compliance_pages_through_filtered_events_newest_first_without_gaps_or_repeats()
    {
        using var auth = fixture.CreateClient("auth");
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var users = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await TestUsers.RegisterAsync(auth));
        }

        var seen = new List<long>();
        long? cursor = null;
        do
        {
            using var response = await auth.SendAsync(compliance.Authorized(HttpMethod.Get,
                $"/api/admin/audit?action=user.register&limit=2&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"))}{(cursor is null ? "" : $"&cursor={cursor}")}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, e => Assert.Equal("user.register", e.GetProperty("action").GetString()));
            seen.AddRange(items.Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetInt64();
        }
        while (cursor is not null);

        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var registered = await AuditRow.ReadAsync(fixture, "action = 'user.register' AND actor_id = ANY($1)",
            (object)users.Select(u => u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Assert.Equal(5, registered.Count);
        Assert.Subset(seen.ToHashSet(), registered.Select(r => r.Id).ToHashSet());
    }

    [Fact]
    public async Task The_csv_export_holds_the_filtered_rows_and_is_itself_audited()
    {
        using var auth = fixture.CreateClient("auth");
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var op = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        var actor = op.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var response = await auth.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/audit/export?actorType=OPERATOR&actorId={actor}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,occurred_at,actor_type,actor_id,actor_name", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains($",OPERATOR,{actor},{op.Username},SUPPORT,operator.login.succeeded,session,", row, StringComparison.Ordinal);
        var export = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.audit.export' AND actor_id = $1",
            compliance.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"\"actorId\":\"{actor}\"", export.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_names_the_first_changed_row_and_only_compliance_may_ask()
    {
        using var auth = fixture.CreateClient("auth");
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT", "OPERATIONS");
        var user = await TestUsers.RegisterAsync(auth);
        var row = (await AuditRow.ReadAsync(fixture, "action = 'user.register' AND actor_id = $1", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Single();

        using var refused = await auth.SendAsync(support.Authorized(HttpMethod.Get, "/api/admin/audit/verify"));
        await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
        await AuditRow.TamperReasonAsync(fixture, row.Id, "'tampered'");
        JsonElement broken;
        try
        {
            using var response = await auth.SendAsync(compliance.Authorized(HttpMethod.Get, "/api/admin/audit/verify"));
            broken = await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        finally
        {
            await AuditRow.TamperReasonAsync(fixture, row.Id, "NULL");
        }

        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(row.Id, broken.GetProperty("brokenAt").GetInt64());
        using var again = await auth.SendAsync(compliance.Authorized(HttpMethod.Get, "/api/admin/audit/verify"));
        var intact = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(intact.GetProperty("intact").GetBoolean(), intact.ToString());
        Assert.Equal(JsonValueKind.Null, intact.GetProperty("brokenAt").ValueKind);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    public async Task Bad_filters_are_400(string query)
    {
        using var auth = fixture.CreateClient("auth");
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");

        using var response = await auth.SendAsync(compliance.Authorized(HttpMethod.Get, $"/api/admin/audit?{query}"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}
