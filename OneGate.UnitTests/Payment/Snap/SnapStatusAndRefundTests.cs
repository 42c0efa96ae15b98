using System.Text.Json;
using OneGate.Payment.Providers;
using OneGate.Snap;
using static OneGate.UnitTests.Payment.Snap.ScriptedSnapProvider;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>Services 55 (status inquiry) and 58 (refund) round trips: each answer class and the checks that an answer is ours.</summary>
public sealed class SnapStatusAndRefundTests : IDisposable
{
    private readonly SnapClientHarness snap = new();

    public void Dispose() => snap.Dispose();

    [Theory]
    [InlineData("00", ProviderOutcome.Succeeded)]
    [InlineData("01", ProviderOutcome.Pending)]
    [InlineData("02", ProviderOutcome.Pending)]
    [InlineData("03", ProviderOutcome.Pending)]
    [InlineData("04", ProviderOutcome.Refunded)]
    [InlineData("05", ProviderOutcome.Declined)]
    [InlineData("06", ProviderOutcome.Declined)]
    public async Task Status_maps_latestTransactionStatus(string status, ProviderOutcome expected)
    {
        snap.Provider.Respond = call => Answer(200, StatusAnswer(call, status));

        var result = await snap.Client.GetStatusAsync("TRX-55", "REF-TRX-55", default);

        Assert.NotNull(result);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(status, result.RawStatus);
        Assert.Equal(16_000m, result.Amount);
        Assert.Equal("REF-TRX-55", result.ProviderReference);
        var call = Assert.Single(snap.Provider.Calls);
        Assert.Equal("""{"originalPartnerReferenceNo":"TRX-55","originalReferenceNo":"REF-TRX-55","serviceCode":"54"}""", System.Text.Encoding.UTF8.GetString(call.Body));
    }

    [Fact]
    public async Task Status_not_found_404xx01_or_status_07_is_null()
    {
        snap.Provider.Respond = _ => Answer(404, new SnapAnswer("4045501", "Transaction Not Found"));
        Assert.Null(await snap.Client.GetStatusAsync("TRX-55", null, default));

        snap.Provider.Respond = call => Answer(200, StatusAnswer(call, "07"));
        Assert.Null(await snap.Client.GetStatusAsync("TRX-55", null, default));
    }

    [Fact]
    public async Task Each_status_inquiry_has_its_own_external_id()
    {
        snap.Provider.Respond = call => Answer(200, StatusAnswer(call, "03"));

        await snap.Client.GetStatusAsync("TRX-55", null, default);
        await snap.Client.GetStatusAsync("TRX-55", null, default);

        Assert.Equal(2, snap.Provider.Calls.Select(c => c.ExternalId).Distinct().Count());
    }

    [Theory]
    [InlineData(500, "5005500", "00", null, null)]
    [InlineData(504, "5045500", "00", null, null)]
    [InlineData(401, "4015500", "00", null, null)]
    [InlineData(409, "4095500", "00", null, null)]
    [InlineData(400, "4005501", "00", null, null)]       // a refused inquiry says nothing about the charge
    [InlineData(200, "2005500", "09", null, null)]       // unknown status
    [InlineData(200, "2005500", "00", "TRX-OTHER", null)] // another charge
    [InlineData(200, "2005500", "00", null, "REF-OTHER")] // another provider reference
    public async Task Status_answers_we_cannot_trust_are_unknown(int httpStatus, string code, string status, string? reference, string? providerReference)
    {
        snap.Provider.Respond = call => Answer(httpStatus, StatusAnswer(call, status, code, reference, providerReference));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.GetStatusAsync("TRX-55", "REF-TRX-55", default));
    }

    [Fact]
    public async Task Refund_2005800_is_refunded_with_the_providers_refund_number()
    {
        snap.Provider.Respond = call => Answer(200, RefundAnswer(call));
        var refund = Refund();

        var result = await snap.Client.RefundAsync(refund, default);

        Assert.Equal(new ProviderRefundResult(true, "RF-1", "2005800"), result);
        var call = Assert.Single(snap.Provider.Calls);
        Assert.Equal(refund.ExternalId, call.ExternalId);
        Assert.Equal(
            """{"originalPartnerReferenceNo":"TRX-58","originalReferenceNo":"REF-TRX-58","partnerRefundNo":"RFD-TRX-58","refundAmount":{"value":"15000.00","currency":"IDR"},"reason":"cannot credit"}""",
            System.Text.Encoding.UTF8.GetString(call.Body));
    }

    [Theory]
    [InlineData(404, "4045801")] // no settled charge to refund
    [InlineData(400, "4005801")] // more than what remains
    [InlineData(400, "4005802")]
    [InlineData(403, "4035815")]
    public async Task Refund_refused_for_good_is_not_refunded(int status, string code)
    {
        snap.Provider.Respond = _ => Answer(status, new SnapAnswer(code, "Refused"));

        Assert.Equal(new ProviderRefundResult(false, null, code), await snap.Client.RefundAsync(Refund(), default));
    }

    [Theory]
    [InlineData(500, "5005801", null)]
    [InlineData(504, "5045800", null)]
    [InlineData(409, "4095800", null)]
    [InlineData(200, "2005800", "RFD-OTHER")]
    public async Task Refund_answers_we_cannot_trust_are_unknown(int status, string code, string? partnerRefundNo)
    {
        snap.Provider.Respond = call => Answer(status, RefundAnswer(call, code, partnerRefundNo));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.RefundAsync(Refund(), default));
    }

    private static ProviderRefund Refund() =>
        new("TRX-58", "REF-TRX-58", "RFD-TRX-58", SnapExternalIds.New(DateTimeOffset.UtcNow), 15_000m, "cannot credit");

    private static object StatusAnswer(SnapCall call, string status, string code = "2005500", string? reference = null, string? providerReference = null) => new
    {
        responseCode = code,
        responseMessage = "scripted",
        originalPartnerReferenceNo = reference ?? call.PartnerReferenceNo,
        originalReferenceNo = providerReference ?? "REF-" + call.PartnerReferenceNo,
        serviceCode = "54",
        latestTransactionStatus = status,
        transactionStatusDesc = SnapTransactionStatus.Describe(status),
        amount = SnapAmount.Of(16_000m),
    };

    private static object RefundAnswer(SnapCall call, string code = "2005800", string? partnerRefundNo = null) => new
    {
        responseCode = code,
        responseMessage = "scripted",
        originalPartnerReferenceNo = call.PartnerReferenceNo,
        partnerRefundNo = partnerRefundNo ?? call.Json.GetProperty("partnerRefundNo").GetString(),
        refundNo = "RF-1",
        refundAmount = call.Json.GetProperty("refundAmount").Deserialize<SnapAmount>(SnapJson.Options),
        refundTime = "2026-12-06T21:15:00+07:00",
    };
}
