using System.ComponentModel.DataAnnotations;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary><c>Sandbox:ShopeePay</c>. The partner secret comes from the AppHost (or the environment), never from appsettings.json.</summary>
public sealed class ShopeePayOptions
{
    public const string SectionName = "Sandbox:ShopeePay";

    /// <summary>The issuer of the sandbox's own (response and callback) signatures.</summary>
    public const string ResponseIssuer = "shopeepay-sandbox";

    [Required]
    public string PartnerId { get; set; } = "";

    /// <summary>The HS256 key for requests, responses and callbacks. At least 32 characters (RFC 7518 §3.2: a key as long as the hash).</summary>
    [Required, MinLength(32)]
    public string PartnerSecret { get; set; } = "";

    /// <summary>How far <c>X-Timestamp</c> may be from the sandbox's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
