using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Providers.ShopeePay;

/// <summary><c>Providers:ShopeePay</c>. The partner secret comes from the AppHost's parameters (or the environment), never from appsettings.json.</summary>
public sealed class ShopeePayOptions : IValidatableObject
{
    public const string SectionName = "Providers:ShopeePay";

    /// <summary>The API root, e.g. <c>http://localhost:5110</c> for the sandbox (paths <c>/shopeepay/v3/...</c> are appended).</summary>
    [Required]
    public string BaseUrl { get; set; } = "";

    [Required]
    public string PartnerId { get; set; } = "";

    /// <summary>HS256 key for our requests and the provider's responses and callbacks; at least 32 characters (RFC 7518 §3.2).</summary>
    [Required, MinLength(32)]
    public string PartnerSecret { get; set; } = "";

    /// <summary>The <c>iss</c> the provider puts in its response and callback signatures.</summary>
    [Required]
    public string ProviderIssuer { get; set; } = "shopeepay-sandbox";

    /// <summary>How far a response's or callback's <c>X-Timestamp</c> may be from our clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("BaseUrl must be an absolute URL.", [nameof(BaseUrl)]);
        }
    }
}
