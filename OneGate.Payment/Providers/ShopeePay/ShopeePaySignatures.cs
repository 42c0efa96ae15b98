using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace OneGate.Payment.Providers.ShopeePay;

/// <summary>
/// Both directions of the ShopeePay signature. Ours (requests): <c>Authorization: Bearer</c> JWT with
/// <c>iss</c> = partner id, <c>iat</c> = <c>X-Timestamp</c>, <c>body_sha256</c>, <c>method</c>, <c>path</c>.
/// Theirs (responses and callbacks): <c>X-Signature</c> JWT with <c>iss</c> = the provider issuer,
/// <c>iat</c> = <c>X-Timestamp</c> (within the allowed clock skew) and <c>body_sha256</c> of the exact body.
/// </summary>
public sealed class ShopeePaySignatures(IOptions<ShopeePayOptions> options, TimeProvider time)
{
    public const string PartnerIdHeader = "X-Partner-Id";
    public const string TimestampHeader = "X-Timestamp";
    public const string SignatureHeader = "X-Signature";

    public string PartnerId => options.Value.PartnerId;

    /// <summary>Signs a request to <paramref name="path"/> (the URL's absolute path) with its exact body bytes.</summary>
    public (string Timestamp, string Jwt) SignRequest(string method, string path, ReadOnlySpan<byte> body)
    {
        var o = options.Value;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var bodyHash = ShopeePayJwt.BodyHash(body);
        var jwt = ShopeePayJwt.Sign(Encoding.UTF8.GetBytes(o.PartnerSecret), claims =>
        {
            claims.WriteString("iss", o.PartnerId);
            claims.WriteNumber("iat", timestamp);
            claims.WriteString("body_sha256", bodyHash);
            claims.WriteString("method", method);
            claims.WriteString("path", path);
        });
        return (timestamp.ToString(CultureInfo.InvariantCulture), jwt);
    }

    /// <summary>True when the provider signed exactly <paramref name="body"/> recently with our shared secret.</summary>
    public bool IsSignedByProvider(ReadOnlySpan<byte> body, string? timestamp, string? signature)
    {
        var o = options.Value;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - sentAt) > o.MaxClockSkew.TotalSeconds)
        {
            return false;
        }

        return ShopeePayJwt.Verify(signature, Encoding.UTF8.GetBytes(o.PartnerSecret)) is { } claims
            && claims.GetString("iss") == o.ProviderIssuer
            && claims.GetInt64("iat") == sentAt
            && claims.GetString("body_sha256") == ShopeePayJwt.BodyHash(body);
    }
}
