using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>Client-credentials check and the in-memory set of issued access tokens with their expiry.</summary>
public sealed class GoPayTokenStore(IOptions<GoPayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);

    /// <summary>Constant-time check of both values (hashed first, so neither length leaks either).</summary>
    public bool CredentialsMatch(string clientId, string clientSecret)
    {
        var o = options.Value;
        return SameSecret(clientId, o.ClientId) & SameSecret(clientSecret, o.ClientSecret);
    }

    public (string AccessToken, int ExpiresIn) Issue()
    {
        var now = time.GetUtcNow();
        foreach (var (token, expiresAt) in _tokens)
        {
            if (expiresAt <= now)
            {
                _tokens.TryRemove(token, out _);
            }
        }

        var lifetime = options.Value.TokenExpiresInSeconds;
        var issued = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _tokens[issued] = now.AddSeconds(lifetime);
        return (issued, lifetime);
    }

    public bool IsValid(string token) => _tokens.TryGetValue(token, out var expiresAt) && expiresAt > time.GetUtcNow();

    public int RevokeAll()
    {
        var count = _tokens.Count;
        _tokens.Clear();
        return count;
    }

    private static bool SameSecret(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
