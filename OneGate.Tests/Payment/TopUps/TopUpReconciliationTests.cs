using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>Reconciliation asks about every top-up that is not final, without letting rows that stay pending block newer ones.</summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TopUpReconciliationTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Top_ups_that_stay_pending_at_the_provider_do_not_hold_back_a_newer_one()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        // 24 older top-ups the provider keeps pending (19,000: a late success), many times the rows worked on at once.
        var stuck = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => payment.TopUpAsync(user, 19_000m, "SHOPEE_PAY")));
        Assert.All(stuck, s => Assert.Equal(HttpStatusCode.Accepted, s.Status));
        await Task.Delay(TimeSpan.FromSeconds(4)); // they are due and being asked about

        // Settled at the provider a second later, with no notification: only an inquiry can find it.
        var silent = await payment.TopUpAsync(user, 16_000m, "GOPAY");
        var id = silent.Json.GetProperty("transactionId").GetString()!;

        // Due 3 s after it was recorded and asked within a pass or two, although every older row is still pending.
        await payment.ReachesAsync(user, id, "SUCCESS", TimeSpan.FromSeconds(10));
    }
}
