using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// The format of a regulator key: <c>og_live_</c> + 32 random bytes in base64url (43 chars). Only its SHA-256
/// (hex) and a short prefix (the first 8 chars after <c>og_live_</c>) are ever stored.
/// </summary>
public static class ApiKeySecret
{
    public const string Scheme = "og_live_";
    public const int PrefixLength = 8;

    /// <summary>Longest header value worth hashing; anything longer is not a key.</summary>
    public const int MaxLength = 256;

    public static string Generate() => Scheme + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key)
    {
        var body = key.StartsWith(Scheme, StringComparison.Ordinal) ? key[Scheme.Length..] : key;
        return body.Length <= PrefixLength ? body : body[..PrefixLength];
    }
}
