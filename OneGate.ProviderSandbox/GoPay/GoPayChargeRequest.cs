using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>Body of <c>POST /gopay/v1/charges</c>. <c>gross_amount</c> is a string with exactly 2 decimals.</summary>
public sealed record GoPayChargeRequest(
    [property: JsonPropertyName("order_id")] string? OrderId,
    [property: JsonPropertyName("gross_amount")] string? GrossAmount,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("callback_url")] string? CallbackUrl);
