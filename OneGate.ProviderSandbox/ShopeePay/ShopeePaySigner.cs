using System.Text;
using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>
/// Signs what the sandbox sends (responses and callbacks): an HS256 JWT with <c>iss</c> = shopeepay-sandbox,
/// <c>iat</c> = the <c>X-Timestamp</c> sent beside it and <c>body_sha256</c> of the exact body bytes.
/// While a fault asks for it, the signature is made with a wrong key (a forgery the adapter must reject).
/// </summary>
public sealed class ShopeePaySigner(IOptions<ShopeePayOptions> options, FaultInjector faults, TimeProvider time)
{
    public (string Timestamp, string Signature) Sign(ReadOnlySpan<byte> body)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var secret = faults.CorruptSignatures ? options.Value.PartnerSecret + "-forged" : options.Value.PartnerSecret;
        var bodyHash = ShopeePayJwt.BodyHash(body);
        var jwt = ShopeePayJwt.Sign(Encoding.UTF8.GetBytes(secret), claims =>
        {
            claims.WriteString("iss", ShopeePayOptions.ResponseIssuer);
            claims.WriteNumber("iat", timestamp);
            claims.WriteString("body_sha256", bodyHash);
        });
        return (timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), jwt);
    }
}
