using System.Security.Cryptography;
using System.Text;
using OneGate.Snap;

namespace OneGate.UnitTests.Snap;

/// <summary>The three known-answer vectors of snap.md, reproduced exactly, and the ways a signature must fail.</summary>
public sealed class SnapSignatureTests
{
    private const string QrBody =
        """{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"12345678.00","currency":"IDR"},"feeAmount":{"value":"12345678.00","currency":"IDR"},"merchantId":"00007100010926","terminalId":"213141251124","validityPeriod":"2009-07-03T12:08:56-07:00"}""";

    private const string NotifyBody =
        """{"originalPartnerReferenceNo":"GP24043015193402809","originalReferenceNo":"A120240430081940S9vu8gSjaRID","merchantId":"G099333790","amount":{"value":"102800.00","currency":"IDR"},"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS","additionalInfo":{"refundHistory":[]}}""";

    private const string NotifySignature =
        "RoJnP2tH/YiOhHM/lMVBMSAuzRmS8VrWdIy04Qqyb56daV7oWFMFoMMzqnjQ+q0MIUalYgU094GWQnCx2c29xb1kkqHhv2+iJ9xl6NjGmFGYqyvcKvUDAV83Y1Mw9JnsEcjcupdGw9/MRv/mm2GMrQ+BCZGfc4a46JDyPZbcY294vDGqs5rFBN6iYer5ro4cAQGo9hET2G82Y+j50vCyO/79GFE4vB1rvtu6PK2Bxi+vTYV8k7P7PS8tOPWM2O+kjiVWjwvLR99Botou+a8sxlQqZaihfWMKcByzV+Lgkr9cptpjys+1NIRWT1ad/sJBSLHyldzC3q2oRn5z5oZmyg==";

    [Fact]
    public void Symmetric_signature_reproduces_the_published_vector()
    {
        var body = Encoding.UTF8.GetBytes(QrBody);

        Assert.Equal("01463f60dbb6ca538581579dd95b31c8ba9fc6600eca750e4d8460ca4e402111", SnapSignature.BodyHash(body));
        Assert.Equal("wmzT7yjg1SxxCsxNsFgCR9SYXiZGGbceF6fV8xe97sAMHxZ+7OEBMIBmvb6Sj6GcksGp3iv77DiomgSbcST3XQ==",
            SnapSignature.SignSymmetric("myclientsecret", "POST", "/v1.0/qr/qr-mpm-generate", "myaccesstoken", body, "2024-03-05T10:37:16.196Z"));
    }

    [Fact]
    public void B2B_token_signature_reproduces_the_published_vector()
    {
        using var key = DemoKey();

        var signature = SnapSignature.SignB2B(key, "G1234325-SNAP", "2024-03-01T08:27:49.024Z");

        Assert.Equal("G1234325-SNAP|2024-03-01T08:27:49.024Z", SnapSignature.B2BStringToSign("G1234325-SNAP", "2024-03-01T08:27:49.024Z"));
        Assert.Equal(
            "WzW49tYIgKIBmBi/gVBHGLAkhEaZlXM11zcZxAiyHji6TLPjPbwLu3Z45it25AIeG0XDItcdTSkds47zFEMh6IP0PXPIP1+Ey4RmX/o2fuYRF/xBHvfvKnMmANMTS1axsXBSW3EHqYpbVrkCcqNnB3u+wu63us9WIhRZaWgxgQ2PJLaiVHIwgu9u7jxkWX7Bg4rerZH3RKdQfIJAAJsSN13efR7VdSAyzU7QaKjgislxrLqmesYNJkbD03XLjHdo6YWuzAVV7xdZRpLiGkIAkW7luXTBZYBO+4oENZAPQYzrLeN1qRY1Sr7BgLONCA2QA26BB6SYW4R7qofS9+RyOQ==",
            signature);
        Assert.True(SnapSignature.VerifyB2B(PublicHalf(key), "G1234325-SNAP", "2024-03-01T08:27:49.024Z", signature));
        Assert.False(SnapSignature.VerifyB2B(PublicHalf(key), "G1234325-SNAP", "2024-03-01T08:27:49.025Z", signature));
    }

    [Fact]
    public void Notification_signature_of_the_published_vector_verifies_with_the_public_key()
    {
        using var key = DemoKey();
        using var publicKey = PublicHalf(key);
        var body = Encoding.UTF8.GetBytes(NotifyBody);

        Assert.Equal("79ebbe6a6b695262dd686d0dedafc57c94e3b3dededf8d63971f8a95699ace85", SnapSignature.BodyHash(body));
        Assert.True(SnapSignature.VerifyNotification(publicKey, "POST", "/v1.0/debit/notify", body, "2024-05-02T14:43:08+07:00", NotifySignature));
    }

    [Theory]
    [InlineData("POST", "/v1.0/debit/notify", "2024-05-02T14:43:09+07:00", null)]           // another timestamp
    [InlineData("POST", "/v1.0/debit/notify/", "2024-05-02T14:43:08+07:00", null)]          // another path
    [InlineData("PUT", "/v1.0/debit/notify", "2024-05-02T14:43:08+07:00", null)]            // another method
    [InlineData("POST", "/v1.0/debit/notify", "2024-05-02T14:43:08+07:00", "\"00\"", "\"06\"")] // another status
    [InlineData("POST", "/v1.0/debit/notify", "2024-05-02T14:43:08+07:00", "102800.00", "102801.00")] // another amount
    public void Notification_signature_fails_when_anything_signed_changes(string method, string path, string timestamp, string? from, string? to = null)
    {
        using var key = DemoKey();
        using var publicKey = PublicHalf(key);
        var body = Encoding.UTF8.GetBytes(from is null ? NotifyBody : NotifyBody.Replace(from, to, StringComparison.Ordinal));

        Assert.False(SnapSignature.VerifyNotification(publicKey, method, path, body, timestamp, NotifySignature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Malformed_signatures_do_not_verify(string signature)
    {
        using var key = DemoKey();
        using var publicKey = PublicHalf(key);

        Assert.False(SnapSignature.VerifyNotification(publicKey, "POST", "/v1.0/debit/notify", Encoding.UTF8.GetBytes(NotifyBody),
            "2024-05-02T14:43:08+07:00", signature));
        Assert.False(SnapSignature.VerifySymmetric("secret", "POST", "/p", "token", [], "t", signature));
    }

    [Fact]
    public void Whitespace_outside_strings_does_not_change_the_body_hash_but_inside_strings_does()
    {
        var pretty = Encoding.UTF8.GetBytes("{\n  \"a\" : \"x y\",\r\n\t\"b\": [1, 2, {\"c\": \"\\\" }\"}]\n}");

        Assert.Equal("{\"a\":\"x y\",\"b\":[1,2,{\"c\":\"\\\" }\"}]}", Encoding.UTF8.GetString(JsonMinifier.Minify(pretty)));
        Assert.Equal(SnapSignature.BodyHash(Encoding.UTF8.GetBytes("{\"a\":\"x y\"}")), SnapSignature.BodyHash(Encoding.UTF8.GetBytes("{ \"a\" : \"x y\" }")));
        Assert.NotEqual(SnapSignature.BodyHash(Encoding.UTF8.GetBytes("{\"a\":\"x y\"}")), SnapSignature.BodyHash(Encoding.UTF8.GetBytes("{\"a\":\"xy\"}")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), SnapSignature.BodyHash([]));
    }

    [Theory]
    [InlineData("2026-12-06T21:15:00+07:00", true)]
    [InlineData("2026-12-06T14:15:00Z", true)]
    [InlineData("2026-12-06T14:15:00.123Z", true)]
    [InlineData("2026-12-06T21:15:00", false)]  // no offset: refused, never read in this machine's zone
    [InlineData("06/12/2026 21:15", false)]
    [InlineData("", false)]
    public void Timestamps_need_an_offset(string text, bool valid)
    {
        Assert.Equal(valid, SnapTimestamp.TryParse(text, out _));
    }

    [Fact]
    public void Timestamps_are_written_in_Jakarta_time_and_checked_for_freshness()
    {
        var now = new DateTimeOffset(2026, 12, 6, 14, 15, 0, TimeSpan.Zero);

        Assert.Equal("2026-12-06T21:15:00+07:00", SnapTimestamp.Format(now));
        Assert.True(SnapTimestamp.IsFresh("2026-12-06T21:19:59+07:00", now, TimeSpan.FromMinutes(5)));
        Assert.False(SnapTimestamp.IsFresh("2026-12-06T21:20:01+07:00", now, TimeSpan.FromMinutes(5)));  // future
        Assert.False(SnapTimestamp.IsFresh("2026-12-06T21:09:59+07:00", now, TimeSpan.FromMinutes(5)));  // stale
        Assert.Equal(new DateOnly(2026, 12, 7), SnapTimestamp.ProviderDay(new DateTimeOffset(2026, 12, 6, 17, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("102800.00", "IDR", true)]
    [InlineData("0.01", "IDR", true)]
    [InlineData("102800", "IDR", false)]
    [InlineData("102800.0", "IDR", false)]
    [InlineData("102800.000", "IDR", false)]
    [InlineData("-1.00", "IDR", false)]
    [InlineData("0.00", "IDR", false)]
    [InlineData("1e5.00", "IDR", false)]
    [InlineData("100.00", "USD", false)]
    public void Amounts_have_exactly_two_fraction_digits(string value, string currency, bool valid)
    {
        Assert.Equal(valid, new SnapAmount(value, currency).TryGetValue(out _));
    }

    [Theory]
    [InlineData("2005400", 200, "54", "00")]
    [InlineData("5045500", 504, "55", "00")]
    [InlineData("4017301", 401, "73", "01")]
    public void Response_codes_split_into_status_service_and_case(string text, int status, string service, string caseCode)
    {
        Assert.True(SnapResponseCode.TryParse(text, out var code));
        Assert.Equal(SnapResponseCode.Of(status, service, caseCode), code);
        Assert.Equal(text, code.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("200540")]
    [InlineData("20054000")]
    [InlineData("20054x0")]
    public void Malformed_response_codes_are_refused(string? text)
    {
        Assert.False(SnapResponseCode.TryParse(text, out _));
    }

    private static RSA DemoKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(PemBlock("PRIVATE KEY"));
        return rsa;
    }

    private static RSA PublicHalf(RSA key)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(PemBlock("PUBLIC KEY"));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
        return rsa;
    }

    private static string PemBlock(string label)
    {
        var pem = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snap", "snap-demo-key.pem"));
        var start = pem.IndexOf($"-----BEGIN {label}-----", StringComparison.Ordinal);
        var end = pem.IndexOf($"-----END {label}-----", start, StringComparison.Ordinal) + $"-----END {label}-----".Length;
        return pem[start..end];
    }
}
