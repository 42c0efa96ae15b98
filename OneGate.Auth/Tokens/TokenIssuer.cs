using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneGate.Auth.Data;
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
        var accessToken = Sign(settings.Audience, now, now + AccessTokenLifetime, userId, sessionId, new Dictionary<string, object>());
        return new TokenPair(accessToken, refreshToken, "Bearer",
            (int)AccessTokenLifetime.TotalSeconds, (int)RefreshTokenLifetime.TotalSeconds);
    }

    /// <summary>
    /// An operator's access token (docs/backoffice.md, "Operator tokens"): the back office's audience, the operator's
    /// name and roles, and the session's idle timeout, which every service applies when it checks the session.
    /// </summary>
    public string IssueOperator(Operator op, Guid sessionId, DateTimeOffset expires, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(op);
        return Sign(settings.OperatorAudience, time.GetUtcNow(), expires, op.Id, sessionId, new Dictionary<string, object>
        {
            [OperatorAuthentication.NameClaim] = op.Username,
            [OperatorAuthentication.RolesClaim] = op.Roles.ToArray(),
            [OperatorAuthentication.IdleClaim] = (int)idleTimeout.TotalSeconds,
        });
    }

    /// <summary>An ES256 token of <paramref name="audience"/> for a subject's session, with <paramref name="extraClaims"/>.</summary>
    private string Sign(string audience, DateTimeOffset now, DateTimeOffset expires, int subject, Guid sessionId,
        IReadOnlyDictionary<string, object> extraClaims)
    {
        var claims = new Dictionary<string, object>(extraClaims)
        {
            ["sub"] = subject.ToString(CultureInfo.InvariantCulture),
            ["sid"] = sessionId.ToString(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = keys.Active,
            Claims = claims,
        });
    }

    public static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the database keeps instead of the refresh token (SHA-256, hex).</summary>
    public static string HashRefreshToken(string refreshToken) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(refreshToken)));
}
