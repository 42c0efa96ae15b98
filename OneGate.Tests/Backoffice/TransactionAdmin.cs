using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>Transaction's back office for tests: a COMPLIANCE operator's services and keys, and Transaction's audit rows.</summary>
public sealed class TransactionAdmin(OneGateAppFixture fixture)
{
    public HttpClient Client { get; } = fixture.CreateClient("transaction");

    /// <summary>A new service (unique code) with both permissions and generous limits; its id.</summary>
    public async Task<int> CreateServiceAsync(TestOperator compliance, int perMinute = 1000)
    {
        var code = "TEST_" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        using var response = await Client.SendAsync(compliance.Authorized(HttpMethod.Post, "/api/admin/regulators", new
        {
            code, name = "Test regulator " + code, permissions = new[] { "READ_TRANSACTIONS", "READ_REPORTS" },
            rateLimits = new { perMinute, perHour = perMinute * 10 }, reason = "test regulator",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create service: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>Issues a key of the service: (id, secret).</summary>
    public async Task<(Guid Id, string Secret)> IssueAsync(TestOperator compliance, int serviceId, object? body = null)
    {
        using var response = await Client.SendAsync(compliance.Authorized(HttpMethod.Post, $"/api/admin/regulators/{serviceId}/keys", body ?? new { name = "test key" }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"issue key: {(int)response.StatusCode} {text}");
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("key").GetProperty("id").GetGuid(), json.GetProperty("secret").GetString()!);
    }

    /// <summary>A COMPLIANCE operator with a fresh service and one key of it.</summary>
    public async Task<(TestOperator Compliance, int ServiceId, Guid KeyId, string Secret)> KeyAsync(int perMinute = 1000)
    {
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var service = await CreateServiceAsync(compliance, perMinute);
        var (id, secret) = await IssueAsync(compliance, service);
        return (compliance, service, id, secret);
    }

    public async Task<HttpResponseMessage> PostAsync(TestOperator op, string path, object? body = null) =>
        await Client.SendAsync(op.Authorized(HttpMethod.Post, path, body));

    /// <summary>Transaction's audit rows about one target.</summary>
    public Task<List<AuditRow>> RowsAsync(string targetType, string targetId) =>
        AuditRow.ReadFromAsync(fixture, "transaction.audit_events", "target_type = $1 AND target_id = $2", targetType, targetId);

    /// <summary>Transaction's audit rows of one action by one operator.</summary>
    public Task<List<AuditRow>> RowsByAsync(TestOperator op, string action) =>
        AuditRow.ReadFromAsync(fixture, "transaction.audit_events", "actor_id = $1 AND action = $2",
            op.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), action);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
