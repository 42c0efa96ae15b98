using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>
/// Money the e-wallet took is credited or given back, never stranded: a success that can no longer be credited ends
/// CANCELLED and is refunded at the provider (retried until it confirms); a success after we gave up is credited.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TopUpRefundTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Theory]
    [InlineData("GOPAY", 0)]
    [InlineData("SHOPEE_PAY", 2)]
    public async Task A_top_up_settled_after_the_account_was_suspended_is_cancelled_and_refunded_at_the_provider(string method, int refundFailures)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, 15_000m, method); // settled and notified about a second later
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
        await provider.FailNextRefundsAsync(id, refundFailures);
        await provider.ExecuteAsync("UPDATE accounts SET status = 'SUSPENDED' WHERE user_id = $1", user.Id);

        var cancelled = await payment.ReachesAsync(user, id, "CANCELLED", TimeSpan.FromSeconds(20));
        var charge = await RefundedAtProviderAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(15_000m, charge.GetProperty("refundedAmount").GetDecimal());
        Assert.Contains("refunded", cancelled.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(0m, await provider.ScalarAsync<decimal>("SELECT balance FROM accounts WHERE user_id = $1", user.Id));
        Assert.Equal(0m, await provider.ScalarAsync<decimal>("SELECT pending_top_ups FROM accounts WHERE user_id = $1", user.Id));
        // Every attempt (our retries and the HTTP client's) asked for the same refund: one partnerRefundNo, refunded once.
        var attempts = charge.GetProperty("refunds").EnumerateArray().ToList();
        Assert.Equal(refundFailures, attempts.Count(r => r.GetProperty("status").GetString() == "failed"));
        Assert.Single(attempts, r => r.GetProperty("status").GetString() == "succeeded");
        Assert.Single(attempts.Select(r => r.GetProperty("partnerRefundNo").GetString()).Distinct());
        // Our record of it follows the provider's answer (the refund row is updated after the call returns).
        await Eventually.HoldsAsync(async () => await provider.ScalarAsync<string>("SELECT status FROM top_up_refunds WHERE transaction_id = $1", id) == "REFUNDED",
            TimeSpan.FromSeconds(10), "our refund row is REFUNDED");
    }

    [Fact]
    public async Task A_success_after_we_gave_up_is_credited()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.TopUpAsync(user, 19_000m, "GOPAY"); // pending at the provider longer than we wait
        var id = topUp.Json.GetProperty("transactionId").GetString()!;

        await payment.ReachesAsync(user, id, "FAILED", TimeSpan.FromSeconds(20));
        Assert.Equal(0m, await payment.BalanceAsync(user));
        await payment.ReachesAsync(user, id, "SUCCESS", TimeSpan.FromSeconds(30));
        Assert.Equal(19_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_success_after_we_gave_up_that_no_longer_fits_under_the_cap_is_refunded()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, 19_000m, "SHOPEE_PAY");
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        await payment.ReachesAsync(user, id, "FAILED", TimeSpan.FromSeconds(20));

        // The headroom was given back when we gave up; the user fills the balance to the cap meanwhile.
        await payment.TopUpAsync(user, 10_000_000m);
        await payment.TopUpAsync(user, 10_000_000m);

        await payment.ReachesAsync(user, id, "CANCELLED", TimeSpan.FromSeconds(30));
        var charge = await RefundedAtProviderAsync(id, TimeSpan.FromSeconds(20));
        Assert.Equal(19_000m, charge.GetProperty("refundedAmount").GetDecimal());
        Assert.Equal(20_000_000m, await payment.BalanceAsync(user));
    }

    private async Task<System.Text.Json.JsonElement> RefundedAtProviderAsync(string id, TimeSpan within)
    {
        System.Text.Json.JsonElement? charge = null;
        await Eventually.HoldsAsync(async () => (charge = await provider.ChargeAsync(id))?.GetProperty("status").GetString() == "refunded",
            within, $"{id} refunded at the provider");
        return charge!.Value;
    }
}
