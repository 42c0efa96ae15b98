using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>The configured providers: each one's options and keys, and which provider a request path belongs to.</summary>
public sealed class SandboxProviders(IOptionsMonitor<SandboxProviderOptions> options)
{
    public static IReadOnlyList<SandboxProvider> All { get; } = Enum.GetValues<SandboxProvider>();

    public SandboxProviderOptions this[SandboxProvider provider] => options.Get(provider.ToString());

    /// <summary>A new key object per use: RSA objects are not documented as thread-safe. The caller disposes it.</summary>
    public RSA PartnerPublicKey(SandboxProvider provider) => Import(this[provider].PartnerPublicKeyPem);

    /// <inheritdoc cref="PartnerPublicKey"/>
    public RSA NotificationKey(SandboxProvider provider) => Import(this[provider].PrivateKeyPem);

    /// <summary>The provider whose path prefix the path starts with, and the service path after it.</summary>
    public bool TryMatch(PathString path, out SandboxProvider provider, out PathString servicePath)
    {
        foreach (var candidate in All)
        {
            if (path.StartsWithSegments(this[candidate].PathPrefix, StringComparison.Ordinal, out servicePath))
            {
                provider = candidate;
                return true;
            }
        }

        provider = default;
        servicePath = default;
        return false;
    }

    private static RSA Import(string pem)
    {
        var key = RSA.Create();
        key.ImportFromPem(pem);
        return key;
    }
}
