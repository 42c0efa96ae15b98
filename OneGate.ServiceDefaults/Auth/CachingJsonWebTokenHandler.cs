using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// The bearer schemes' token handler: validates as <see cref="JsonWebTokenHandler"/> does and remembers a token that
/// passed for a short while, so a client sending the same token with every request pays the ES256 signature check (the
/// largest CPU cost of an authenticated request) once per <see cref="Lifetime"/> instead of per request. A remembered
/// token is refused again by full validation from its expiry on; the session check in Redis still runs on every request
/// (logout and revocation take effect at once); a key taken out of the JWKS is trusted through this cache at most
/// <see cref="Lifetime"/> longer (the JWKS itself is cached for hours). Failures are never remembered, and a token is
/// remembered for the issuer and audience it was validated against only.
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    // Bounds the memory a flood of distinct tokens can take (then the cache starts over).
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTime Until, string? Issuer, string? Audience)> valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = DateTime.UtcNow;
        if (token is not null && valid.TryGetValue(token, out var remembered))
        {
            if (remembered.Until > now && remembered.Issuer == validationParameters?.ValidIssuer && remembered.Audience == validationParameters?.ValidAudience)
            {
                return Copy(remembered.Result);
            }

            valid.TryRemove(KeyValuePair.Create(token, remembered));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (token is not null && result is { IsValid: true, SecurityToken: JsonWebToken { ValidTo: var expires }, ClaimsIdentity: not null })
        {
            if (valid.Count >= MaxEntries)
            {
                valid.Clear();
            }

            valid[token] = (result, expires < now + Lifetime ? expires : now + Lifetime, validationParameters?.ValidIssuer, validationParameters?.ValidAudience);
            return Copy(result); // the remembered one is never handed out
        }

        return result;
    }

    /// <summary>Each request gets its own identity, so nothing one request adds to it reaches another.</summary>
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        SecurityToken = result.SecurityToken,
        ClaimsIdentity = new CaseSensitiveClaimsIdentity(result.ClaimsIdentity),
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
