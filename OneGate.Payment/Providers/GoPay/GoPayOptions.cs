using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Providers.GoPay;

/// <summary><c>Providers:GoPay</c>. Credentials come from the AppHost's parameters (or the environment), never from appsettings.json.</summary>
public sealed class GoPayOptions : IValidatableObject
{
    public const string SectionName = "Providers:GoPay";

    /// <summary>The API root, e.g. <c>http://localhost:5110</c> for the sandbox (paths <c>/gopay/v1/...</c> are appended).</summary>
    [Required]
    public string BaseUrl { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    [Required, MinLength(16)]
    public string ClientSecret { get; set; } = "";

    /// <summary>Verifies callbacks: <c>signature_key = sha512hex(order_id + status_code + gross_amount + server_key)</c>.</summary>
    [Required, MinLength(16)]
    public string ServerKey { get; set; } = "";

    /// <summary>An access token is replaced this long before it expires (at most half its lifetime).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TokenRefreshSkew { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("BaseUrl must be an absolute URL.", [nameof(BaseUrl)]);
        }
    }
}
