using System.ComponentModel.DataAnnotations;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary><c>Sandbox:GoPay</c>. The credentials come from the AppHost (or the environment), never from appsettings.json.</summary>
public sealed class GoPayOptions
{
    public const string SectionName = "Sandbox:GoPay";

    [Required]
    public string ClientId { get; set; } = "";

    [Required, MinLength(16)]
    public string ClientSecret { get; set; } = "";

    /// <summary>Signs callbacks: <c>signature_key = sha512hex(order_id + status_code + gross_amount + server_key)</c>.</summary>
    [Required, MinLength(16)]
    public string ServerKey { get; set; } = "";

    [Range(1, 86_400)]
    public int TokenExpiresInSeconds { get; set; } = 3600;
}
