using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>ShopeePay's error body: <c>{code, message}</c>.</summary>
public sealed record ShopeePayError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);
