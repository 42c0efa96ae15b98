using System.Net;
using OneGate.Snap;
using static OneGate.Tests.Sandbox.SandboxAccessTokenTests;

namespace OneGate.Tests.Sandbox;

/// <summary>Service 58: refunds of settled charges, idempotent by partnerRefundNo, never more than was taken.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class SandboxRefundTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Refund_is_idempotent_by_partner_refund_no()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();
        await partner.ChargeAsync(reference, "20000.00");

        var first = await partner.RefundAsync(reference, "RF-1-" + reference, "5000.00");
        var again = await partner.RefundAsync(reference, "RF-1-" + reference, "5000.00");
        var charge = await partner.SandboxChargeAsync(reference);

        Assert.Equal((200, "2005800"), (first.Status, first.Answer.ResponseCode));
        Assert.Equal((200, "2005800"), (again.Status, again.Answer.ResponseCode));
        Assert.Equal(first.Answer.RefundNo, again.Answer.RefundNo);
        Assert.Equal(new SnapAmount("5000.00", "IDR"), again.Answer.RefundAmount);
        Assert.Equal("5000.00", charge.GetProperty("refundedAmount").GetRawText());
        Assert.Equal("settled", charge.GetProperty("status").GetString());
        var refund = Assert.Single(charge.GetProperty("refunds").EnumerateArray());
        Assert.Equal(("RF-1-" + reference, "succeeded"), (refund.GetProperty("partnerRefundNo").GetString(), refund.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Refunding_the_rest_makes_the_charge_refunded_and_status_04()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();
        await partner.ChargeAsync(reference, "20000.00");

        await partner.RefundAsync(reference, "RF-1-" + reference, "5000.00");
        var rest = await partner.RefundAsync(reference, "RF-2-" + reference, "15000.00");
        var more = await partner.RefundAsync(reference, "RF-3-" + reference, "0.01");
        var status = await partner.StatusAsync(reference);

        Assert.Equal("2005800", rest.Answer.ResponseCode);
        Assert.Equal((400, "4005801"), (more.Status, more.Answer.ResponseCode));
        Assert.Equal((SnapTransactionStatus.Refunded, new SnapAmount("20000.00", "IDR")), (status.LatestTransactionStatus, status.RefundAmount));
        var charge = await partner.SandboxChargeAsync(reference);
        Assert.Equal(("refunded", "20000.00"), (charge.GetProperty("status").GetString(), charge.GetProperty("refundedAmount").GetRawText()));
    }

    [Fact]
    public async Task Refund_of_more_than_was_taken_is_4005801_and_refunds_nothing()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();
        await partner.ChargeAsync(reference, "20000.00");

        var refund = await partner.RefundAsync(reference, "RF-1-" + reference, "20000.01");

        Assert.Equal((400, "4005801"), (refund.Status, refund.Answer.ResponseCode));
        Assert.Equal("0.00", (await partner.SandboxChargeAsync(reference)).GetProperty("refundedAmount").GetRawText());
    }

    [Fact]
    public async Task Refund_of_an_unknown_declined_or_pending_charge_is_4045801()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var declined = SnapPartner.NewReference();
        var pending = SnapPartner.NewReference();
        await partner.ChargeAsync(declined, "13000.00");
        await partner.ScriptAsync(pending, "late_success");
        await partner.ChargeAsync(pending, "20000.00");

        var refunds = new[]
        {
            await partner.RefundAsync(SnapPartner.NewReference(), "RF-" + Guid.NewGuid().ToString("N"), "100.00"),
            await partner.RefundAsync(declined, "RF-" + Guid.NewGuid().ToString("N"), "100.00"),
            await partner.RefundAsync(pending, "RF-" + Guid.NewGuid().ToString("N"), "100.00"),
        };

        Assert.All(refunds, r => Assert.Equal((404, "4045801"), (r.Status, r.Answer.ResponseCode)));
    }

    [Fact]
    public async Task Refund_no_reused_with_another_amount_is_4095801()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();
        await partner.ChargeAsync(reference, "20000.00");

        await partner.RefundAsync(reference, "RF-1-" + reference, "5000.00");
        var other = await partner.RefundAsync(reference, "RF-1-" + reference, "6000.00");

        Assert.Equal((409, "4095801"), (other.Status, other.Answer.ResponseCode));
        Assert.Equal("5000.00", (await partner.SandboxChargeAsync(reference)).GetProperty("refundedAmount").GetRawText());
    }

    [Fact]
    public async Task Refund_fails_once_with_5005801_then_the_same_call_succeeds()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();
        await partner.ScriptAsync(reference, "refund_fails_once");
        await partner.ChargeAsync(reference, "20000.00");
        var body = SnapPartner.RefundBody(reference, "RF-1-" + reference, "20000.00");
        var externalId = SnapPartner.NewExternalId();

        using var failed = await partner.CallAsync(SnapServices.DebitRefundPath, body, externalId);
        var afterFailure = await partner.SandboxChargeAsync(reference);
        using var retried = await partner.CallAsync(SnapServices.DebitRefundPath, body, externalId);

        await AssertRefusedAsync(failed, HttpStatusCode.InternalServerError, "5005801");
        Assert.Equal(("settled", "0.00"), (afterFailure.GetProperty("status").GetString(), afterFailure.GetProperty("refundedAmount").GetRawText()));
        Assert.Equal("2005800", (await SnapPartner.ReadAsync<DebitRefundResponse>(retried)).ResponseCode);
        var charge = await partner.SandboxChargeAsync(reference);
        Assert.Equal(("refunded", "20000.00"), (charge.GetProperty("status").GetString(), charge.GetProperty("refundedAmount").GetRawText()));
        Assert.Equal(["failed", "succeeded"], charge.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Concurrent_refunds_never_give_back_more_than_was_taken()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();
        await partner.ChargeAsync(reference, "10000.00");

        var refunds = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => partner.RefundAsync(reference, $"RF-{i}-{reference}", "3000.00")));

        Assert.Equal(3, refunds.Count(r => r.Answer.ResponseCode == "2005800"));
        Assert.Equal(9, refunds.Count(r => r.Answer.ResponseCode == "4005801"));
        Assert.Equal("9000.00", (await partner.SandboxChargeAsync(reference)).GetProperty("refundedAmount").GetRawText());
    }
}
