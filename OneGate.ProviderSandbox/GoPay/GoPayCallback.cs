using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>The notification POSTed to a charge's callback URL.</summary>
public sealed record GoPayCallback(
    [property: JsonPropertyName("order_id")] string OrderId,
    [property: JsonPropertyName("charge_id")] string ChargeId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_code")] string StatusCode,
    [property: JsonPropertyName("gross_amount")] string GrossAmount,
    [property: JsonPropertyName("signature_key")] string SignatureKey);
