using System.Text;
using OneGate.Payment.Providers;
using OneGate.Snap;
using static OneGate.UnitTests.Payment.Snap.ScriptedSnapProvider;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>Service 54 round trips against a provider that checks every signature: each responseCode class of SnapResponseMapping.</summary>
public sealed class SnapChargeTests : IDisposable
{
    private readonly SnapClientHarness snap = new();

    public void Dispose() => snap.Dispose();

    [Fact]
    public async Task Success_2005400_is_succeeded_with_the_providers_reference()
    {
        snap.Provider.Respond = call => Answer(200, SnapClientHarness.ChargeAnswer(call, "2005400"));
        var charge = SnapClientHarness.Charge();

        var result = await snap.Client.ChargeAsync(charge, default);

        Assert.Equal(ProviderOutcome.Succeeded, result.Outcome);
        Assert.Equal(charge.TransactionId, result.TransactionId);
        Assert.Equal("REF-" + charge.TransactionId, result.ProviderReference);
        Assert.Equal("2005400", result.RawStatus);
        Assert.Equal(charge.Amount, result.Amount);
        var call = Assert.Single(snap.Provider.Calls);
        Assert.Equal(charge.ExternalId, call.ExternalId);
    }

    [Fact]
    public void The_charge_body_is_the_same_bytes_for_the_same_charge_and_names_the_notify_url()
    {
        var charge = new ProviderCharge("TRX-1", 15_000m, "2026120600000000000000000000000001");

        var body = Encoding.UTF8.GetString(snap.Client.ChargeBody(charge));

        Assert.Equal(
            """{"partnerReferenceNo":"TRX-1","merchantId":"M-ONEGATE-1","amount":{"value":"15000.00","currency":"IDR"},"urlParams":[{"url":"http://payment.test/api/payments/callbacks/gopay","type":"NOTIFICATION","isDeeplink":"N"}]}""",
            body);
        Assert.Equal(snap.Client.ChargeBody(charge with { ExternalId = "1" }), snap.Client.ChargeBody(charge));
    }

    [Fact]
    public async Task In_progress_2025400_is_pending()
    {
        snap.Provider.Respond = call => Answer(202, SnapClientHarness.ChargeAnswer(call, "2025400"));

        var result = await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);

        Assert.Equal(ProviderOutcome.Pending, result.Outcome);
        Assert.Equal("2025400", result.RawStatus);
    }

    [Theory]
    [InlineData("4035402")] // exceeds transaction amount limit
    [InlineData("4035403")] // suspected fraud
    [InlineData("4035405")] // do not honor
    [InlineData("4035414")] // insufficient funds
    [InlineData("4035415")] // transaction not permitted
    [InlineData("4035418")] // inactive account
    [InlineData("4005401")] // invalid field format: the provider refused the request, nothing taken
    [InlineData("4005402")] // invalid mandatory field
    public async Task Declines_and_refused_requests_are_declined_with_the_code_as_reason(string code)
    {
        snap.Provider.Respond = _ => Answer(int.Parse(code[..3], System.Globalization.CultureInfo.InvariantCulture), new SnapAnswer(code, "Refused"));

        var result = await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);

        Assert.Equal(ProviderOutcome.Declined, result.Outcome);
        Assert.Equal(code, result.RawStatus);
        Assert.Equal(code + " Refused", result.FailureReason);
    }

    [Theory]
    [InlineData(400, "4005400")] // bad request without a case we map
    [InlineData(401, "4015400")] // unauthorized: signature refused
    [InlineData(403, "4035401")] // a 403 case not in the table
    [InlineData(404, "4045401")] // not found is no answer to a charge
    [InlineData(409, "4095400")] // X-EXTERNAL-ID reused with another body
    [InlineData(409, "4095401")] // partnerReferenceNo charged under another external id
    [InlineData(429, "4295400")] // too many requests
    [InlineData(500, "5005400")]
    [InlineData(500, "5005401")]
    [InlineData(502, "5025400")]
    [InlineData(504, "5045400")] // provider timeout
    [InlineData(200, "2005500")] // success of another service
    [InlineData(200, "4035414")] // HTTP status and responseCode disagree
    [InlineData(200, "2005401")] // a 200 case not in the table
    [InlineData(200, "200540")]  // six digits
    [InlineData(200, null)]      // no responseCode
    public async Task Every_other_answer_is_unknown_never_declined(int status, string? code)
    {
        snap.Provider.Respond = call => Answer(status, new { responseCode = code, responseMessage = "x", referenceNo = "R", partnerReferenceNo = call.PartnerReferenceNo });

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("")]
    [InlineData("""{"responseCode":2005400}""")]
    [InlineData("[]")]
    public async Task An_unparseable_answer_is_unknown(string body)
    {
        snap.Provider.Respond = _ => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body) };

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));
    }

    [Fact]
    public async Task A_timeout_is_unknown()
    {
        using var slow = new SnapClientHarness(httpTimeout: TimeSpan.FromMilliseconds(300));
        slow.Provider.CallDelay = TimeSpan.FromSeconds(10);

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => slow.Client.ChargeAsync(SnapClientHarness.Charge(), default));
    }

    [Theory]
    [InlineData("2005400", 200, "TRX-SOMEONE-ELSE", null)]
    [InlineData("2005400", 200, null, "15001.00")]
    [InlineData("2005400", 200, null, "15000")]
    [InlineData("2025400", 202, "TRX-SOMEONE-ELSE", null)]
    [InlineData("2025400", 202, null, "1.00")]
    [InlineData("4035414", 403, "TRX-SOMEONE-ELSE", null)]
    public async Task An_answer_for_another_reference_or_amount_is_unknown(string code, int status, string? partnerReferenceNo, string? value)
    {
        snap.Provider.Respond = call => Answer(status, SnapClientHarness.ChargeAnswer(call, code, partnerReferenceNo, value));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(15_000m), default));
    }

    [Fact]
    public async Task A_success_without_amount_or_reference_is_unknown()
    {
        snap.Provider.Respond = call => Answer(200, new { responseCode = "2005400", responseMessage = "ok", referenceNo = "R", partnerReferenceNo = call.PartnerReferenceNo });
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));

        snap.Provider.Respond = call => Answer(200, new
        {
            responseCode = "2005400", responseMessage = "ok", partnerReferenceNo = call.PartnerReferenceNo, amount = SnapAmount.Of(15_000m),
        });
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));
    }

    [Fact]
    public async Task Invalid_token_401xx01_fetches_one_new_token_and_resends_the_same_bytes_and_external_id()
    {
        snap.Provider.Respond = call => Answer(200, SnapClientHarness.ChargeAnswer(call, "2005400"));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default); // a token is cached
        snap.Provider.ForgetTokens();
        snap.Provider.Calls.Clear();
        var charge = SnapClientHarness.Charge();

        var result = await snap.Client.ChargeAsync(charge, default);

        Assert.Equal(ProviderOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, snap.Provider.TokensIssued);
        Assert.Equal(2, snap.Provider.Calls.Count);
        var (refused, resent) = (snap.Provider.Calls[0], snap.Provider.Calls[1]);
        Assert.NotEqual(refused.Token, resent.Token);
        Assert.Equal(charge.ExternalId, refused.ExternalId);
        Assert.Equal(charge.ExternalId, resent.ExternalId);
        Assert.Equal(refused.Body, resent.Body);
    }

    [Fact]
    public async Task Invalid_token_twice_is_unknown_after_one_refetch()
    {
        snap.Provider.Respond = call => Answer(401, new SnapAnswer("4015401", "Invalid Token (B2B)"));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));

        Assert.Equal(2, snap.Provider.TokensIssued);
        Assert.Equal(2, snap.Provider.Calls.Count);
    }

    [Fact]
    public async Task No_secret_token_or_key_is_ever_logged()
    {
        snap.Provider.Respond = _ => Answer(401, new SnapAnswer("4015400", "Unauthorized"));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));
        snap.Provider.ForgetTokens();
        snap.Provider.Respond = call => Answer(403, new SnapAnswer("4035414", "Insufficient Funds"));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);

        var tokens = snap.Provider.Calls.Select(c => c.Token).Distinct().ToList();
        Assert.NotEmpty(snap.Logs.Messages);
        foreach (var message in snap.Logs.Messages)
        {
            Assert.DoesNotContain(ClientSecret, message, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", message, StringComparison.Ordinal);
            Assert.All(tokens, token => Assert.DoesNotContain(token, message, StringComparison.Ordinal));
        }
    }
}
