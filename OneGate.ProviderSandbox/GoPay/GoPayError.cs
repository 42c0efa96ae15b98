using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>GoPay's error body (OAuth 2.0 style): <c>{error, error_description?}</c>.</summary>
public sealed record GoPayError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription = null);
