using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>
/// Cap headroom is reserved while a top-up is PENDING (balance + every PENDING top-up + the new amount within the cap),
/// so a top-up the e-wallet settles can always be credited: no rupiah is taken by the e-wallet and left uncredited.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TopUpHeadroomTests(OneGateAppFixture fixture)
{
    private const decimal Cap = 20_000_000m;
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Concurrent_pending_top_ups_near_the_cap_cannot_both_pass_and_every_accepted_one_is_credited()
    {
        var user = await payment.FundedUserAsync(auth, Cap - 30_000m);

        // 15,000 is the sandbox's "pending, then settled and notified": each accepted top-up holds headroom until then.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => payment.TopUpAsync(user, 15_000m, "GOPAY")));

        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        Assert.True(accepted.Count == 2, string.Join("\n", answers.Select(a => $"{(int)a.Status} {a.Body}")));
        foreach (var refused in answers.Where(a => a.Status != HttpStatusCode.Accepted))
        {
            await ProblemAssert.IsProblem(refused.Message, HttpStatusCode.UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED");
        }

        foreach (var topUp in accepted)
        {
            var settled = await payment.SettledAsync(user, topUp.Json.GetProperty("transactionId").GetString()!, TimeSpan.FromSeconds(30));
            Assert.Equal("SUCCESS", settled.GetProperty("status").GetString());
        }

        Assert.Equal(Cap, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_pending_top_up_holds_its_headroom_against_incoming_transfers()
    {
        var user = await payment.FundedUserAsync(auth, Cap - 20_000m);
        var sender = await payment.FundedUserAsync(auth, 50_000m);

        var topUp = await payment.TopUpAsync(user, 15_000m, "SHOPEE_PAY");
        var transfer = await payment.TransferAsync(sender, user, 10_000m);

        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
        await ProblemAssert.IsProblem(transfer.Message, HttpStatusCode.UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED");
        var settled = await payment.SettledAsync(user, topUp.Json.GetProperty("transactionId").GetString()!, TimeSpan.FromSeconds(30));
        Assert.Equal("SUCCESS", settled.GetProperty("status").GetString());
        Assert.Equal(Cap - 5_000m, await payment.BalanceAsync(user));
    }
}
