using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A development RSA-2048 key (PKCS#8 PEM) generated on first run and kept in the AppHost's user secrets, for SNAP's
/// SHA256withRSA signatures (the partner's token requests, the provider's notifications). No private key is committed;
/// deployments supply their own (the manifest leaves the value to the deployer).
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

    /// <summary>The public half (SPKI PEM) of a key this class generated.</summary>
    public static string PublicKeyPem(string? privateKeyPem)
    {
        if (string.IsNullOrEmpty(privateKeyPem))
        {
            throw new InvalidOperationException("An RSA key parameter has no value");
        }

        using var key = RSA.Create();
        key.ImportFromPem(privateKeyPem);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}
