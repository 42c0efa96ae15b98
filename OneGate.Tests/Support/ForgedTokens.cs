using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.Tests.Support;

/// <summary>Access tokens made by the test itself: signed with the real development key (or not), altered, unsigned.</summary>
public static class ForgedTokens
{
    public const string KeyId = "onegate-dev-1";

    /// <summary>The AppHost's development signing key (the secret parameter Auth signs with).</summary>
    public static async Task<ECDsa> DevelopmentKeyAsync(OneGateAppFixture fixture)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(r => r.Name == "auth-signing-key");
        var key = ECDsa.Create();
        key.ImportFromPem(await parameter.GetValueAsync(default));
        return key;
    }

    public static string SessionOf(string accessToken) => new JsonWebToken(accessToken).GetClaim("sid").Value;

    public static string Sign(ECDsa key, int userId, string sid, string issuer = "onegate-auth", string audience = "onegate-api",
        DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = iat.UtcDateTime,
            NotBefore = iat.UtcDateTime,
            Expires = (expires ?? iat.AddMinutes(15)).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = userId.ToString(CultureInfo.InvariantCulture), ["sid"] = sid, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary><c>alg: none</c>, no signature.</summary>
    public static string Unsigned(int userId, string sid) =>
        $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{Base64UrlEncoder.Encode(Payload(userId, sid))}.";

    /// <summary>The classic algorithm confusion: HS256 keyed with the published public key.</summary>
    public static string HmacWithPublicKey(ECDsa key, int userId, string sid)
    {
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        var unsigned = $"{Base64UrlEncoder.Encode($$"""{"alg":"HS256","typ":"JWT","kid":"{{KeyId}}"}""")}.{Base64UrlEncoder.Encode(Payload(userId, sid))}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(publicPem), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>A real token whose payload now names another user (the signature no longer matches).</summary>
    public static string AlterSubject(string token, int otherUserId)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = otherUserId.ToString(CultureInfo.InvariantCulture);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
    }

    private static string Payload(int userId, string sid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return JsonSerializer.Serialize(new { iss = "onegate-auth", aud = "onegate-api", sub = userId.ToString(CultureInfo.InvariantCulture), sid, iat = now, nbf = now, exp = now + 900 });
    }
}
