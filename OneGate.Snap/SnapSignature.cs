using System.Security.Cryptography;
using System.Text;

namespace OneGate.Snap;

/// <summary>
/// SNAP's three signatures (snap.md): the B2B token request (SHA256withRSA over <c>clientId|timestamp</c>), the
/// symmetric signature of transactional calls (HMAC-SHA512 with the client secret) and the provider's asymmetric
/// notification signature (SHA256withRSA, no access token). Bodies are hashed after <see cref="JsonMinifier"/>.
/// </summary>
public static class SnapSignature
{
    public static string B2BStringToSign(string clientId, string timestamp) => clientId + "|" + timestamp;

    public static string SignB2B(RSA partnerPrivateKey, string clientId, string timestamp) =>
        SignRsa(partnerPrivateKey, B2BStringToSign(clientId, timestamp));

    public static bool VerifyB2B(RSA partnerPublicKey, string clientId, string timestamp, string? signature) =>
        VerifyRsa(partnerPublicKey, B2BStringToSign(clientId, timestamp), signature);

    public static string SymmetricStringToSign(string method, string relativePath, string accessToken, ReadOnlySpan<byte> body, string timestamp) =>
        $"{method}:{relativePath}:{accessToken}:{BodyHash(body)}:{timestamp}";

    public static string SignSymmetric(string clientSecret, string method, string relativePath, string accessToken, ReadOnlySpan<byte> body, string timestamp)
    {
        var mac = HMACSHA512.HashData(Encoding.UTF8.GetBytes(clientSecret),
            Encoding.UTF8.GetBytes(SymmetricStringToSign(method, relativePath, accessToken, body, timestamp)));
        return Convert.ToBase64String(mac);
    }

    public static bool VerifySymmetric(string clientSecret, string method, string relativePath, string accessToken, ReadOnlySpan<byte> body,
        string timestamp, string? signature) =>
        FixedEquals(SignSymmetric(clientSecret, method, relativePath, accessToken, body, timestamp), signature);

    public static string NotificationStringToSign(string method, string path, ReadOnlySpan<byte> body, string timestamp) =>
        $"{method}:{path}:{BodyHash(body)}:{timestamp}";

    public static string SignNotification(RSA providerPrivateKey, string method, string path, ReadOnlySpan<byte> body, string timestamp) =>
        SignRsa(providerPrivateKey, NotificationStringToSign(method, path, body, timestamp));

    public static bool VerifyNotification(RSA providerPublicKey, string method, string path, ReadOnlySpan<byte> body, string timestamp, string? signature) =>
        VerifyRsa(providerPublicKey, NotificationStringToSign(method, path, body, timestamp), signature);

    /// <summary>Lowercase hex SHA-256 of the minified body; an empty body hashes the empty string.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonMinifier.Minify(body)));

    private static string SignRsa(RSA key, string text) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static bool VerifyRsa(RSA key, string text, string? signature)
    {
        var bytes = new byte[signature?.Length ?? 0];
        if (signature is null || !Convert.TryFromBase64String(signature, bytes, out var written))
        {
            return false;
        }

        return key.VerifyData(Encoding.UTF8.GetBytes(text), bytes.AsSpan(0, written), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static bool FixedEquals(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
