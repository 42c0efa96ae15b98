using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// <c>Sandbox:Providers:GoPay</c> and <c>Sandbox:Providers:ShopeePay</c> (named options, one per provider): where the
/// provider serves and the one partner registered with it. Secrets and keys come from the AppHost, never appsettings.json.
/// </summary>
public sealed class SandboxProviderOptions : IValidatableObject
{
    public const string SectionPrefix = "Sandbox:Providers";

    // One section per named instance (also what the deployment drift test reads).
    public const string GoPaySection = SectionPrefix + ":GoPay";
    public const string ShopeePaySection = SectionPrefix + ":ShopeePay";

    /// <summary>Path prefix of this provider's SNAP services, e.g. <c>/gopay</c>.</summary>
    [Required, RegularExpression("^/[a-z0-9-]+$")]
    public string PathPrefix { get; set; } = "";

    /// <summary>The partner's client id (<c>X-CLIENT-KEY</c> of service 73).</summary>
    [Required, MaxLength(36)]
    public string ClientId { get; set; } = "";

    /// <summary>The HMAC-SHA512 key of transactional calls.</summary>
    [Required, MinLength(32)]
    public string ClientSecret { get; set; } = "";

    /// <summary>The partner's <c>X-PARTNER-ID</c>.</summary>
    [Required, MaxLength(36)]
    public string PartnerId { get; set; } = "";

    [Required, RegularExpression("^[0-9]{5}$")]
    public string ChannelId { get; set; } = "";

    [Required, MaxLength(64)]
    public string MerchantId { get; set; } = "";

    /// <summary>The partner's registered RSA public key (SPKI PEM): verifies the B2B token signature.</summary>
    [Required]
    public string PartnerPublicKeyPem { get; set; } = "";

    /// <summary>The sandbox's own RSA private key (PKCS#8 PEM): signs notifications (service 56).</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";

    [Range(60, 86_400)]
    public int TokenExpiresInSeconds { get; set; } = 900;

    /// <summary>How far <c>X-TIMESTAMP</c> may be from the sandbox clock, either way.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsRsaPem(PartnerPublicKeyPem))
        {
            yield return new ValidationResult("PartnerPublicKeyPem must be an RSA public key in PEM.", [nameof(PartnerPublicKeyPem)]);
        }

        if (!IsRsaPem(PrivateKeyPem))
        {
            yield return new ValidationResult("PrivateKeyPem must be an RSA private key in PEM.", [nameof(PrivateKeyPem)]);
        }
    }

    private static bool IsRsaPem(string pem)
    {
        try
        {
            using var key = RSA.Create();
            key.ImportFromPem(pem);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
