using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// One SNAP provider: <c>Providers:GoPay</c> or <c>Providers:ShopeePay</c> (named options, see <see cref="SnapProviderNames"/>).
/// Secrets and keys come from the AppHost's parameters or the deployment's Secret, never from appsettings.json.
/// </summary>
public sealed class SnapProviderOptions : IValidatableObject
{
    public const string GoPaySection = ProvidersOptions.SectionName + ":" + SnapProviderNames.GoPay;
    public const string ShopeePaySection = ProvidersOptions.SectionName + ":" + SnapProviderNames.ShopeePay;

    /// <summary>The provider's API root, e.g. <c>http://localhost:5110</c> for the sandbox.</summary>
    [Required]
    public string BaseUrl { get; set; } = "";

    /// <summary>Goes between the API root and the SNAP path (<c>/gopay</c> → <c>/gopay/v1.0/debit/status</c>); empty for none.</summary>
    [RegularExpression(@"^(/[A-Za-z0-9._~-]+)*$")]
    public string PathPrefix { get; set; } = "";

    /// <summary><c>X-PARTNER-ID</c>.</summary>
    [Required, MaxLength(36)]
    public string PartnerId { get; set; } = "";

    /// <summary><c>CHANNEL-ID</c>, 5 digits.</summary>
    [Required, RegularExpression(@"^\d{5}$")]
    public string ChannelId { get; set; } = "";

    /// <summary>Our merchant id at the provider (<c>merchantId</c> of a charge).</summary>
    [Required, MaxLength(64)]
    public string MerchantId { get; set; } = "";

    /// <summary><c>X-CLIENT-KEY</c> of the token request.</summary>
    [Required, MaxLength(36)]
    public string ClientId { get; set; } = "";

    /// <summary>HMAC-SHA512 key of every transactional call.</summary>
    [Required, MinLength(32)]
    public string ClientSecret { get; set; } = "";

    /// <summary>Our RSA private key (PKCS#8 PEM): signs the token request. The provider holds its public half.</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";

    /// <summary>The provider's RSA public key (SPKI PEM): verifies its notifications.</summary>
    [Required]
    public string ProviderPublicKeyPem { get; set; } = "";

    /// <summary>An access token is replaced this long before it expires (at most half its lifetime).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TokenRefreshSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far a notification's <c>X-TIMESTAMP</c> may be from our clock, either way.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NotificationMaxSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The absolute URL of a SNAP service path under this provider's root and prefix (the signed path is its AbsolutePath).</summary>
    public Uri Url(string servicePath) => new(new Uri(BaseUrl.TrimEnd('/') + "/"), (PathPrefix + servicePath).TrimStart('/'));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }

        if (!SnapKeys.IsPrivateKey(PrivateKeyPem))
        {
            yield return new ValidationResult("PrivateKeyPem must be an RSA private key (PKCS#8 PEM, at least 2048 bits).", [nameof(PrivateKeyPem)]);
        }

        if (!SnapKeys.IsPublicKey(ProviderPublicKeyPem))
        {
            yield return new ValidationResult("ProviderPublicKeyPem must be an RSA public key (SPKI PEM, at least 2048 bits).", [nameof(ProviderPublicKeyPem)]);
        }
    }
}
