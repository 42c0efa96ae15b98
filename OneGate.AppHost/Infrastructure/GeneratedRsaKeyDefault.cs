using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A development RSA-2048 key (PKCS#8 PEM) generated on first run and kept in the AppHost's user secrets, like
/// <see cref="GeneratedSigningKeyDefault"/>: SNAP's B2B token signature (ours) and notification signature (the
/// sandbox's). No private key is committed; the public halves are derived here and passed as plain values.
/// </summary>
internal sealed class GeneratedRsaKeyDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var key = RSA.Create(2048);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public override void WriteToManifest(ManifestPublishingContext context)
    {
    }

    /// <summary>The SPKI PEM public half of a PEM private key.</summary>
    public static string PublicKeyPem(string? privateKeyPem, string parameterName)
    {
        if (string.IsNullOrEmpty(privateKeyPem))
        {
            throw new InvalidOperationException($"{parameterName} has no value");
        }

        using var key = RSA.Create();
        key.ImportFromPem(privateKeyPem);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}
