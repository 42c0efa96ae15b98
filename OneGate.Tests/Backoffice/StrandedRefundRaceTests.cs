using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Resolving stranded money against the refund worker (docs/backoffice.md, "Payment's back office"): an operator's
/// resolve and the worker's attempt never both pay the user back, and an e-wallet confirmation that arrives after a
/// resolve is still recorded, the note kept (Payment also logs it as an error: the fixture's captured resource logs are
/// empty in Local mode, so that line is not checked here).
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class StrandedRefundRaceTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private const int Refunds = 10;
    private const decimal Amount = StrandedTopUps.Amount;

    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task Resolves_racing_the_refund_workers_attempts_never_refund_twice()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var stranded = new StrandedTopUps(fixture, provider);
        var ids = await Task.WhenAll(Enumerable.Range(0, Refunds).Select(_ => stranded.StrandAsync(operations)));
        foreach (var id in ids)
        {
            await provider.FailNextRefundsAsync(id, 0);
        }

        // All due at once (the worker passes every second, four at a time) while the resolves arrive over two seconds;
        // the first resolved is due only later, so at least one resolve comes first however fast the workers are (with
        // every refund due at once, a CI run once saw all ten taken by the worker before the first resolve landed).
        await stranded.MakeDueAsync(ids[1..]);
        await stranded.MakeDueInAsync(TimeSpan.FromSeconds(3), ids[0]);
        var answers = await Task.WhenAll(ids.Select(async (id, i) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200 * i));
            using var response = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/stranded-money/{id}/resolve",
                new { note = "paid back by bank transfer" }));
            var body = await response.Content.ReadAsStringAsync();
            return (Status: response.StatusCode, Code: response.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }));
        await Eventually.HoldsAsync(async () => await provider.ScalarAsync<long>(
                "SELECT count(*) FROM top_up_refunds WHERE transaction_id = ANY($1) AND status = 'PENDING'", (object)ids) == 0,
            TimeSpan.FromSeconds(60), "every refund is refunded or resolved");

        for (var i = 0; i < Refunds; i++)
        {
            var status = await provider.ScalarAsync<string>("SELECT status FROM top_up_refunds WHERE transaction_id = $1", ids[i]);
            var refundedByWallet = (await provider.ChargeAsync(ids[i]))!.Value.GetProperty("refundedAmount").GetDecimal();
            var resolvedOutside = status == "RESOLVED" ? Amount : 0m;
            // What the e-wallet took (nothing was credited: the account is suspended) went back exactly once.
            Assert.True(Amount == refundedByWallet + resolvedOutside, $"{ids[i]}: {status}, the e-wallet refunded {refundedByWallet}, answer {answers[i]}");
            Assert.Equal(status == "RESOLVED", answers[i].Status == HttpStatusCode.OK);
            Assert.True(answers[i] is (HttpStatusCode.OK, null) or (HttpStatusCode.Conflict, "REFUND_ATTEMPT_IN_FLIGHT" or "REFUND_NOT_PENDING"), $"{answers[i]}");
            var resolveRows = await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = 'stranded_refund.resolve' AND target_id = $1", ids[i]);
            Assert.Equal(status == "RESOLVED" ? 1 : 0, resolveRows.Count);
        }

        // The race happened: some resolves came first, some found the worker's attempt in flight or done.
        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_confirmation_after_a_resolve_is_recorded_as_refunded_with_the_note_kept()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var stranded = new StrandedTopUps(fixture, provider);
        var id = await stranded.StrandAsync(operations);
        await provider.FailNextRefundsAsync(id, 0);

        // The attempt is in flight but looks a lease old: the resolve takes it for dead and is accepted.
        using var resolved = await ResolveWhileTheAttemptIsInFlightAsync(stranded, operations, id, "paid by bank transfer, ticket 77",
            ageTheAttempt: true);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("RESOLVED", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await Eventually.HoldsAsync(async () => await provider.ScalarAsync<string>("SELECT status FROM top_up_refunds WHERE transaction_id = $1", id) == "REFUNDED",
            TimeSpan.FromSeconds(30), "the confirmation is recorded");
        Assert.Equal("paid by bank transfer, ticket 77", await provider.ScalarAsync<string>("SELECT resolution_note FROM top_up_refunds WHERE transaction_id = $1", id));
    }

    [Fact]
    public async Task A_resolve_while_the_workers_attempt_is_in_flight_is_refused_and_the_refund_is_paid_once()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var stranded = new StrandedTopUps(fixture, provider);
        var id = await stranded.StrandAsync(operations);
        await provider.FailNextRefundsAsync(id, 0);

        // The e-wallet has refunded and the worker has not recorded it yet: a resolve now would pay the user twice.
        using var resolved = await ResolveWhileTheAttemptIsInFlightAsync(stranded, operations, id, "paid by bank transfer", ageTheAttempt: false);
        await ProblemAssert.IsProblem(resolved, HttpStatusCode.Conflict, "REFUND_ATTEMPT_IN_FLIGHT");

        await Eventually.HoldsAsync(async () => await provider.ScalarAsync<string>("SELECT status FROM top_up_refunds WHERE transaction_id = $1", id) == "REFUNDED",
            TimeSpan.FromSeconds(30), "the worker records the e-wallet's refund");
        Assert.Equal(Amount, (await provider.ChargeAsync(id))!.Value.GetProperty("refundedAmount").GetDecimal());
        Assert.Null(await provider.ScalarAsync<string>("SELECT resolution_note FROM top_up_refunds WHERE transaction_id = $1", id));
        Assert.Empty(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "action = 'stranded_refund.resolve' AND target_id = $1", id));
    }

    /// <summary>
    /// The worker's attempt reaches the e-wallet (which refunds) and then waits for the top-up's row, which this holds,
    /// so the resolve lands between the e-wallet's refund and its recording. <paramref name="ageTheAttempt"/> makes the
    /// attempt look a lease old, as a dead worker's would.
    /// </summary>
    private async Task<HttpResponseMessage> ResolveWhileTheAttemptIsInFlightAsync(StrandedTopUps stranded, TestOperator operations, string id, string note,
        bool ageTheAttempt)
    {
        await using var hold = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await hold.OpenAsync();
        await using var transaction = await hold.BeginTransactionAsync();
        await using (var lockTopUp = new NpgsqlCommand("SELECT 1 FROM historical_transactions WHERE transaction_id = $1 FOR UPDATE", hold, transaction)
                     { Parameters = { new() { Value = id } } })
        {
            await lockTopUp.ExecuteNonQueryAsync();
        }

        await stranded.MakeDueAsync(id);
        await Eventually.HoldsAsync(async () => (await provider.ChargeAsync(id))!.Value.GetProperty("refundedAmount").GetDecimal() == Amount,
            TimeSpan.FromSeconds(30), "the e-wallet refunded it");
        if (ageTheAttempt)
        {
            await provider.ExecuteAsync("UPDATE top_up_refunds SET updated_at = now() - interval '1 hour' WHERE transaction_id = $1", id);
        }

        var resolved = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/stranded-money/{id}/resolve", new { note }));
        await transaction.RollbackAsync();
        return resolved;
    }
}
