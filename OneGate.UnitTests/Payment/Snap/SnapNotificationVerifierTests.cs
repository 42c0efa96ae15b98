using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;
using OneGate.Payment.Providers.Snap;
using OneGate.Snap;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>Service 56 as received: the provider's RSA signature over the raw body and timestamp, freshness both ways, then the body.</summary>
public sealed class SnapNotificationVerifierTests : IDisposable
{
    private const string Path = "/api/payments/callbacks/gopay";
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly SnapNotificationVerifier verifier;

    public SnapNotificationVerifierTests() => verifier = Verifier(SnapClientHarness.NewOptions(), clock);

    public void Dispose() => verifier.Dispose();

    [Theory]
    [InlineData("00", ProviderOutcome.Succeeded)]
    [InlineData("03", ProviderOutcome.Pending)]
    [InlineData("04", ProviderOutcome.Refunded)]
    [InlineData("06", ProviderOutcome.Declined)]
    public void A_signed_fresh_notification_is_accepted_and_mapped(string status, ProviderOutcome outcome)
    {
        var body = Body(status: status);
        var timestamp = SnapTimestamp.Format(clock.GetUtcNow());

        var check = verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, Sign(body, timestamp));

        Assert.NotNull(check.Result);
        Assert.Equal(new ProviderChargeResult(outcome, "TRX-56", "REF-56", status, 15_000m, check.Result.FailureReason), check.Result);
    }

    [Fact]
    public void The_published_vector_verifies_with_the_demo_key_at_its_time()
    {
        var pem = File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Snap", "snap-demo-key.pem"));
        var options = SnapClientHarness.NewOptions();
        options.ProviderPublicKeyPem = pem[pem.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal)..];
        using var atVectorTime = Verifier(options, new ManualClock(DateTimeOffset.Parse("2024-05-02T14:43:10+07:00", System.Globalization.CultureInfo.InvariantCulture)));
        var body = Encoding.UTF8.GetBytes(
            """{"originalPartnerReferenceNo":"GP24043015193402809","originalReferenceNo":"A120240430081940S9vu8gSjaRID","merchantId":"G099333790","amount":{"value":"102800.00","currency":"IDR"},"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS","additionalInfo":{"refundHistory":[]}}""");

        var check = atVectorTime.Verify(PaymentMethod.Gopay, "POST", "/v1.0/debit/notify", body, "2024-05-02T14:43:08+07:00",
            "RoJnP2tH/YiOhHM/lMVBMSAuzRmS8VrWdIy04Qqyb56daV7oWFMFoMMzqnjQ+q0MIUalYgU094GWQnCx2c29xb1kkqHhv2+iJ9xl6NjGmFGYqyvcKvUDAV83Y1Mw9JnsEcjcupdGw9/MRv/mm2GMrQ+BCZGfc4a46JDyPZbcY294vDGqs5rFBN6iYer5ro4cAQGo9hET2G82Y+j50vCyO/79GFE4vB1rvtu6PK2Bxi+vTYV8k7P7PS8tOPWM2O+kjiVWjwvLR99Botou+a8sxlQqZaihfWMKcByzV+Lgkr9cptpjys+1NIRWT1ad/sJBSLHyldzC3q2oRn5z5oZmyg==");

        Assert.Equal(ProviderOutcome.Succeeded, check.Result?.Outcome);
        Assert.Equal(102_800m, check.Result?.Amount);
    }

    [Fact]
    public void A_bad_or_missing_signature_is_4015600()
    {
        var body = Body();
        var timestamp = SnapTimestamp.Format(clock.GetUtcNow());
        using var otherKey = RSA.Create(2048);

        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, null));
        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, "garbage"));
        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, Sign(body, timestamp, otherKey)));
        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, null, Sign(body, timestamp)));
    }

    [Fact]
    public void A_tampered_body_path_or_timestamp_is_4015600()
    {
        var body = Body();
        var timestamp = SnapTimestamp.Format(clock.GetUtcNow());
        var signature = Sign(body, timestamp);
        var tampered = Body(value: "15001.00");

        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, tampered, timestamp, signature));
        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", "/api/payments/callbacks/shopeepay", body, timestamp, signature));
        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, SnapTimestamp.Format(clock.GetUtcNow().AddSeconds(1)), signature));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void A_stale_or_future_timestamp_is_4015600_even_when_signed(int seconds)
    {
        var body = Body();
        var timestamp = SnapTimestamp.Format(clock.GetUtcNow().AddSeconds(seconds));

        AssertRefused(401, "4015600", verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, Sign(body, timestamp)));
    }

    [Fact]
    public void A_timestamp_within_the_skew_either_way_is_accepted()
    {
        var body = Body();
        foreach (var seconds in new[] { -299, 299 })
        {
            var timestamp = SnapTimestamp.Format(clock.GetUtcNow().AddSeconds(seconds));
            Assert.NotNull(verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, Sign(body, timestamp)).Result);
        }
    }

    [Theory]
    [InlineData("not json", "4005601")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":{"value":"15000.00","currency":"IDR"}}""", "4005602")]
    [InlineData("""{"amount":{"value":"15000.00","currency":"IDR"},"latestTransactionStatus":"00"}""", "4005602")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","latestTransactionStatus":"00"}""", "4005602")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":{"value":"15000","currency":"IDR"},"latestTransactionStatus":"00"}""", "4005601")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":{"value":"15000.00","currency":"USD"},"latestTransactionStatus":"00"}""", "4005601")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":{"value":"15000.00","currency":"IDR"},"latestTransactionStatus":"09"}""", "4005601")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":{"value":"15000.00","currency":"IDR"},"latestTransactionStatus":"07"}""", "4005601")]
    [InlineData("""{"originalPartnerReferenceNo":"TRX-56","amount":"15000.00","latestTransactionStatus":"00"}""", "4005601")]
    public void A_signed_but_malformed_body_is_400(string json, string code)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var timestamp = SnapTimestamp.Format(clock.GetUtcNow());

        AssertRefused(400, code, verifier.Verify(PaymentMethod.Gopay, "POST", Path, body, timestamp, Sign(body, timestamp)));
    }

    private static SnapNotificationVerifier Verifier(SnapProviderOptions options, TimeProvider time) =>
        new(new StaticOptionsMonitor(options), time, NullLogger<SnapNotificationVerifier>.Instance);

    private static byte[] Body(string status = "00", string value = "15000.00") => SnapJson.Serialize(new DebitNotification(
        "TRX-56", "REF-56", SnapClientHarness.MerchantId, new SnapAmount(value, SnapAmount.Idr), status, SnapTransactionStatus.Describe(status)));

    private static string Sign(byte[] body, string timestamp, RSA? key = null) =>
        SnapSignature.SignNotification(key ?? SnapClientHarness.ProviderKey, "POST", Path, body, timestamp);

    private static void AssertRefused(int status, string code, SnapNotificationCheck check)
    {
        Assert.Null(check.Result);
        Assert.Equal(status, check.HttpStatus);
        Assert.Equal(code, check.Refusal?.ResponseCode);
    }

    private sealed class StaticOptionsMonitor(SnapProviderOptions options) : IOptionsMonitor<SnapProviderOptions>
    {
        public SnapProviderOptions CurrentValue => options;

        public SnapProviderOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<SnapProviderOptions, string?> listener) => null;
    }
}
