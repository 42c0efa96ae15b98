using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>The in-memory set of issued B2B access tokens (random, 256 bits) with their expiry.</summary>
public sealed class AccessTokens(SandboxProviders providers, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);

    public (string AccessToken, int ExpiresIn) Issue(SandboxProvider provider, string clientId)
    {
        var now = time.GetUtcNow();
        foreach (var (token, issued) in _tokens)
        {
            if (issued.ExpiresAt <= now)
            {
                _tokens.TryRemove(token, out _);
            }
        }

        var lifetime = providers[provider].TokenExpiresInSeconds;
        var accessToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _tokens[accessToken] = new IssuedToken(provider, clientId, now.AddSeconds(lifetime));
        return (accessToken, lifetime);
    }

    /// <summary>The live token issued by this provider, else null (unknown, expired, or another provider's).</summary>
    public IssuedToken? Find(SandboxProvider provider, string accessToken) =>
        _tokens.TryGetValue(accessToken, out var issued) && issued.Provider == provider && issued.ExpiresAt > time.GetUtcNow()
            ? issued
            : null;

    public int RevokeAll()
    {
        var count = _tokens.Count;
        _tokens.Clear();
        return count;
    }
}
