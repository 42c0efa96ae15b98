using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>Body of <c>POST /shopeepay/v3/payments</c>. <c>amount</c> is a JSON number with at most 2 decimals.</summary>
public sealed record ShopeePayPaymentRequest(
    [property: JsonPropertyName("reference_id")] string? ReferenceId,
    [property: JsonPropertyName("amount")] decimal? Amount,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("callback_url")] string? CallbackUrl);
