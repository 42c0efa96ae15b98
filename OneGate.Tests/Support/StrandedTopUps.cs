using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Support;

/// <summary>
/// Top-ups stranded the way an operator makes them (docs/backoffice.md, "Account status rules"): the e-wallet takes the
/// money, the account is suspended before the top-up settles, so it ends CANCELLED and its refund is PENDING. The
/// refund is made to fail at the sandbox until the test says otherwise, and parked: not due for an hour, its last
/// attempt an hour ago (so it may be resolved), until the test makes it due.
/// </summary>
public sealed class StrandedTopUps(OneGateAppFixture fixture, ProviderDesk provider)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    /// <summary>
    /// The sandbox's "notification lost" amount: it settles at once but tells nobody, so the top-up stays PENDING until
    /// Payment's reconciliation asks (after three seconds in tests): time enough to suspend the account first.
    /// </summary>
    public const decimal Amount = 18_000m;

    /// <summary>A parked PENDING refund of <see cref="Amount"/>; returns the top-up's transaction id.</summary>
    public async Task<string> StrandAsync(TestOperator operations)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, Amount, "GOPAY");
        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        await provider.FailNextRefundsAsync(id, 100);
        using (var found = await admin.SendAsync(operations.Authorized(HttpMethod.Get, $"/api/admin/users/{user.Id}/account")))
        {
            var account = (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountId").GetGuid();
            using var suspended = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "stranded for a test" }));
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        await payment.ReachesAsync(user, id, "CANCELLED", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () => await provider.ScalarAsync<int?>("SELECT attempts FROM top_up_refunds WHERE transaction_id = $1", id) >= 1,
            TimeSpan.FromSeconds(30), "the refund was attempted once");
        // An attempt in flight when it is parked would schedule its retry over the parking: park until it stays parked.
        await Eventually.HoldsAsync(async () =>
        {
            await ParkAsync(id);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            return await provider.ScalarAsync<bool>(
                "SELECT next_attempt_at > now() + interval '30 minutes' AND updated_at < now() - interval '30 minutes' FROM top_up_refunds WHERE transaction_id = $1", id);
        }, TimeSpan.FromSeconds(30), "the refund stays parked");
        return id;
    }

    /// <summary>Due now, as after its backoff: the refund worker's next pass (every second in tests) attempts it.</summary>
    public Task MakeDueAsync(params string[] ids) => MakeDueInAsync(TimeSpan.Zero, ids);

    /// <summary>The refunds fall due <paramref name="after"/> from now.</summary>
    public Task MakeDueInAsync(TimeSpan after, params string[] ids) =>
        provider.ExecuteAsync("UPDATE top_up_refunds SET next_attempt_at = now() + $2 WHERE transaction_id = ANY($1)", (object)ids, after);

    private Task ParkAsync(string id) => provider.ExecuteAsync(
        "UPDATE top_up_refunds SET next_attempt_at = now() + interval '1 hour', updated_at = now() - interval '1 hour' WHERE transaction_id = $1", id);
}
