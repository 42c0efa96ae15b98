using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.UnitTests.Auth;

public sealed class CachingJsonWebTokenHandlerTests
{
    private const string Issuer = "https://auth.test";
    private static readonly ECDsaSecurityKey Key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "k1" };

    [Fact]
    public async Task A_remembered_token_is_refused_from_its_expiry_on()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token("payment", DateTime.UtcNow.AddSeconds(2));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters("payment"))).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters("payment"))).IsValid);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var expired = await handler.ValidateTokenAsync(token, Parameters("payment"));
        Assert.False(expired.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }

    [Fact]
    public async Task A_token_remembered_for_one_audience_is_refused_for_another()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token("payment", DateTime.UtcNow.AddMinutes(5));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters("payment"))).IsValid);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters("backoffice"))).IsValid);
    }

    [Fact]
    public async Task Each_validation_gets_its_own_identity_with_the_tokens_claims()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token("payment", DateTime.UtcNow.AddMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters("payment"));
        first.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim("added", "by one request"));
        var second = await handler.ValidateTokenAsync(token, Parameters("payment"));

        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Null(second.ClaimsIdentity.FindFirst("added"));
        Assert.Equal("42", second.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    private static string Token(string audience, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = audience,
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = "42", ["sid"] = "s1" },
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
    });

    private static TokenValidationParameters Parameters(string audience) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = audience,
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.Zero,
    };
}
