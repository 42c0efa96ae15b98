using System.Security.Cryptography;

namespace OneGate.Payment.Providers.Snap;

/// <summary>RSA keys from PEM, refusing the wrong half and keys shorter than 2048 bits.</summary>
internal static class SnapKeys
{
    private const int MinimumBits = 2048;

    public static bool IsPrivateKey(string? pem) => Check(pem, "PRIVATE KEY", "RSA PRIVATE KEY");

    public static bool IsPublicKey(string? pem) => Check(pem, "PUBLIC KEY", "RSA PUBLIC KEY");

    /// <summary>The key in <paramref name="pem"/>; the caller disposes it. Options validation has checked it at start.</summary>
    public static RSA Import(string pem)
    {
        var key = RSA.Create();
        key.ImportFromPem(pem);
        return key;
    }

    private static bool Check(string? pem, params string[] labels)
    {
        if (string.IsNullOrWhiteSpace(pem) || !PemEncoding.TryFind(pem, out var fields) || !labels.Contains(pem[fields.Label].ToString()))
        {
            return false;
        }

        try
        {
            using var key = Import(pem);
            return key.KeySize >= MinimumBits;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
