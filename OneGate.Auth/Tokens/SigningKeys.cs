using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Tokens;

/// <summary>The loaded signing keys: the active one signs, all of them are published and accepted.</summary>
public sealed class SigningKeys : IDisposable
{
    private readonly List<(ECDsaSecurityKey Key, ECDsa Algorithm)> keys = [];

    public SigningKeys(IOptions<SigningKeyOptions> options)
    {
        foreach (var entry in options.Value.Keys)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(entry.PrivateKeyPem);
            if (ecdsa.KeySize != 256)
            {
                throw new InvalidOperationException($"Signing key '{entry.KeyId}' must be a P-256 key for ES256.");
            }

            keys.Add((new ECDsaSecurityKey(ecdsa) { KeyId = entry.KeyId }, ecdsa));
        }

        var activeId = options.Value.ActiveKeyId ?? options.Value.Keys[0].KeyId;
        var active = keys.SingleOrDefault(k => k.Key.KeyId == activeId).Key
            ?? throw new InvalidOperationException($"Active signing key '{activeId}' is not configured.");
        Active = new SigningCredentials(active, SecurityAlgorithms.EcdsaSha256);
    }

    public SigningCredentials Active { get; }

    /// <summary>The public halves as a JWKS document (RFC 7517).</summary>
    public object Jwks() => new
    {
        keys = keys.Select(k =>
        {
            var point = k.Algorithm.ExportParameters(includePrivateParameters: false).Q;
            return new
            {
                kty = "EC",
                crv = "P-256",
                x = Base64UrlEncoder.Encode(point.X),
                y = Base64UrlEncoder.Encode(point.Y),
                kid = k.Key.KeyId,
                use = "sig",
                alg = "ES256",
            };
        }).ToArray(),
    };

    /// <summary>For validating tokens inside the Auth service without fetching its own JWKS over HTTP.</summary>
    public IConfigurationManager<OpenIdConnectConfiguration> AsConfigurationManager(TokenValidationSettings settings)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = settings.Issuer };
        foreach (var (key, _) in keys)
        {
            configuration.SigningKeys.Add(key);
        }

        return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
    }

    public void Dispose()
    {
        foreach (var (_, algorithm) in keys)
        {
            algorithm.Dispose();
        }
    }
}
