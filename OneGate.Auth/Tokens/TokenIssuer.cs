using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Tokens;

/// <summary>Mints access tokens (ES256 JWT) and refresh tokens (random 256-bit, stored only as a hash).</summary>
public sealed class TokenIssuer(SigningKeys keys, TokenValidationSettings settings, IOptions<TokenLifetimeOptions> lifetimes, TimeProvider time)
{
    private readonly JsonWebTokenHandler handler = new();

    public TimeSpan AccessTokenLifetime => lifetimes.Value.AccessTokenLifetime;

    public TimeSpan RefreshTokenLifetime => lifetimes.Value.RefreshTokenLifetime;

    public TimeSpan RotatedTokenGrace => lifetimes.Value.RotatedTokenGrace;

    public TokenPair Issue(int userId, Guid sessionId, string refreshToken)
    {
        var now = time.GetUtcNow();
        var accessToken = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + AccessTokenLifetime).UtcDateTime,
            SigningCredentials = keys.Active,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(CultureInfo.InvariantCulture),
                ["sid"] = sessionId.ToString(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });

        return new TokenPair(accessToken, refreshToken, "Bearer",
            (int)AccessTokenLifetime.TotalSeconds, (int)RefreshTokenLifetime.TotalSeconds);
    }

    public static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the database keeps instead of the refresh token (SHA-256, hex).</summary>
    public static string HashRefreshToken(string refreshToken) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(refreshToken)));
}
