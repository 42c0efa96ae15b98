using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.GoPay;

public sealed record GoPayTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
