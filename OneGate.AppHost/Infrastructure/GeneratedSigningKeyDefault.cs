using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A development ES256 signing key (P-256, PKCS#8 PEM) generated on first run and kept in the AppHost's
/// user secrets, so tokens survive restarts and no private key is ever committed. Deployments supply
/// their own key (the manifest leaves the value to the deployer).
/// </summary>
internal sealed class GeneratedSigningKeyDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public override void WriteToManifest(ManifestPublishingContext context)
    {
    }
}
