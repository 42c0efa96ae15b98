using System.Net;
using OneGate.Snap;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>
/// SNAP notifications (service 56) at <c>/api/payments/callbacks/{gopay,shopeepay}</c>: only the provider's own
/// signature over the exact body and a fresh timestamp is accepted, answers are SNAP, and repeats change nothing.
/// 19,000 is the sandbox's "late success" (pending for a while at the provider), so a top-up stays PENDING during a test.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class ProviderNotificationTests(OneGateAppFixture fixture) : IAsyncLifetime
{
    private const decimal LateSuccess = 19_000m;
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Theory]
    [InlineData("GOPAY")]
    [InlineData("SHOPEE_PAY")]
    public async Task Notifications_not_signed_by_that_provider_or_not_fresh_are_401_and_change_nothing(string method)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, LateSuccess, method);
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        var success = ProviderDesk.Success(id, LateSuccess);
        var other = method == "GOPAY" ? "SHOPEE_PAY" : "GOPAY";

        var answers = new[]
        {
            await provider.NotifyAsync(method, success, signAs: other),                                   // the other provider's key
            await provider.NotifyAsync(method, success, at: DateTimeOffset.UtcNow.AddMinutes(-10)),       // stale
            await provider.NotifyAsync(method, success, at: DateTimeOffset.UtcNow.AddMinutes(10)),        // from the future
            await provider.NotifyAsync(method, success, signedPath: ProviderDesk.CallbackPath(other)),     // signed for another path
        };

        Assert.All(answers, a => Assert.Equal((401, "4015600"), a));
        Assert.Equal("PENDING", (await payment.TransactionAsync(user, id))!.Value.GetProperty("status").GetString());
        Assert.Equal(0m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_notification_for_a_top_up_made_through_the_other_provider_is_404_and_changes_nothing()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, LateSuccess, "SHOPEE_PAY");
        var id = topUp.Json.GetProperty("transactionId").GetString()!;

        var answer = await provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, LateSuccess));

        Assert.Equal((404, "4045601"), answer);
        Assert.Equal("PENDING", (await payment.TransactionAsync(user, id))!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Concurrent_and_repeated_genuine_notifications_credit_once()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, 16_000m, "GOPAY"); // pending at the provider, settled there without a notification
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, 16_000m))));

        Assert.All(answers, a => Assert.Equal((200, "2005600"), a));
        await payment.ReachesAsync(user, id, "SUCCESS", TimeSpan.FromSeconds(10));
        Assert.Equal((200, "2005600"), await provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, 16_000m)));
        Assert.Equal(16_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_decline_after_a_success_changes_nothing()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, 50_000m, "SHOPEE_PAY");
        var id = topUp.Json.GetProperty("transactionId").GetString()!;
        var declined = ProviderDesk.Success(id, 50_000m) with { LatestTransactionStatus = SnapTransactionStatus.Failed, TransactionStatusDesc = "FAILED" };

        var answer = await provider.NotifyAsync("SHOPEE_PAY", declined);

        Assert.Equal(200, answer.Status);
        Assert.Equal("SUCCESS", (await payment.TransactionAsync(user, id))!.Value.GetProperty("status").GetString());
        Assert.Equal(50_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_success_for_another_amount_is_not_credited_but_cancelled_with_a_refund_of_what_was_taken()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var topUp = await payment.TopUpAsync(user, LateSuccess, "GOPAY");
        var id = topUp.Json.GetProperty("transactionId").GetString()!;

        var answer = await provider.NotifyAsync("GOPAY", ProviderDesk.Success(id, LateSuccess - 1_000m));

        Assert.Equal((200, "2005600"), answer);
        var cancelled = await payment.ReachesAsync(user, id, "CANCELLED", TimeSpan.FromSeconds(5));
        Assert.Contains("AMOUNT_MISMATCH", cancelled.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(LateSuccess - 1_000m, await provider.ScalarAsync<decimal>("SELECT amount FROM top_up_refunds WHERE transaction_id = $1", id));
        Assert.Equal(0m, await payment.BalanceAsync(user));
    }
}
