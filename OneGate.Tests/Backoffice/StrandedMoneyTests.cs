using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Stranded money through the back office: a PENDING top-up of an account an operator suspends ends CANCELLED and is
/// refunded to the e-wallet; a refund the provider keeps refusing is listed as failing, can be made due now, and
/// resolved with a note (audited), after which it is no longer attempted or listed.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class StrandedMoneyTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task A_refund_that_keeps_failing_is_listed_retried_and_resolved_with_a_note()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        var topUp = await payment.TopUpAsync(user, 15_000m, "GOPAY"); // settled and notified about a second later
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
        await provider.FailNextRefundsAsync(id, 100);
        var account = (await GetAsync(operations, $"/api/admin/users/{user.Id}/account")).GetProperty("accountId").GetGuid();
        using (var suspended = await PostAsync(operations, $"/api/admin/accounts/{account}/suspend", new { reason = "chargeback dispute" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        await payment.ReachesAsync(user, id, "CANCELLED", TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(async () => Listed(await GetAsync(support, "/api/admin/stranded-money"), id) is { } r && r.GetProperty("attempts").GetInt32() >= 1,
            TimeSpan.FromSeconds(20), "the refund is listed after a failed attempt");
        using var supportRetry = await PostAsync(support, $"/api/admin/stranded-money/{id}/retry", new { reason = "try again" });
        using var retried = await PostAsync(operations, $"/api/admin/stranded-money/{id}/retry", new { reason = "provider says fixed" });
        using var blankNote = await PostAsync(operations, $"/api/admin/stranded-money/{id}/resolve", new { note = " " });
        // Attempted less than a lease ago (the retry just made it due): the e-wallet may still refund it.
        using var inFlight = await PostAsync(operations, $"/api/admin/stranded-money/{id}/resolve", new { note = "refunded by bank transfer, ticket 991" });
        // As if the lease had passed with no attempt due (the worker claims only PENDING rows that are due).
        await provider.ExecuteAsync("UPDATE top_up_refunds SET updated_at = now() - interval '1 hour', next_attempt_at = now() + interval '1 hour' WHERE transaction_id = $1", id);
        using var resolved = await PostAsync(operations, $"/api/admin/stranded-money/{id}/resolve", new { note = "refunded by bank transfer, ticket 991" });
        using var again = await PostAsync(operations, $"/api/admin/stranded-money/{id}/resolve", new { note = "twice" });
        using var unknown = await PostAsync(operations, "/api/admin/stranded-money/TRX-unknown/retry", new { reason = "no such refund" });

        await ProblemAssert.IsProblem(supportRetry, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await ProblemAssert.IsProblem(blankNote, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await ProblemAssert.IsProblem(inFlight, HttpStatusCode.Conflict, "REFUND_ATTEMPT_IN_FLIGHT");
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("RESOLVED", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ProblemAssert.IsProblem(again, HttpStatusCode.Conflict, "REFUND_NOT_PENDING");
        await ProblemAssert.IsProblem(unknown, HttpStatusCode.NotFound, "REFUND_NOT_FOUND");
        Assert.Null(Listed(await GetAsync(support, "/api/admin/stranded-money"), id));
        Assert.Null(await provider.ScalarAsync<DateTime?>("SELECT next_attempt_at FROM top_up_refunds WHERE transaction_id = $1", id));
        var rows = await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "target_type = 'top_up_refund' AND target_id = $1", id);
        Assert.Equal(["stranded_refund.retry", "stranded_refund.resolve"], rows.Select(r => r.Action));
        Assert.Equal("refunded by bank transfer, ticket 991", rows[1].Fields[11]);
        Assert.Equal(operations.Username, rows[1].Fields[4]);
    }

    private static JsonElement? Listed(JsonElement list, string id) =>
        list.EnumerateArray().Where(r => r.GetProperty("transactionId").GetString() == id).Select(r => (JsonElement?)r).SingleOrDefault();

    private async Task<JsonElement> GetAsync(TestOperator op, string path)
    {
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> PostAsync(TestOperator op, string path, object body) => admin.SendAsync(op.Authorized(HttpMethod.Post, path, body));
}
