using System.Text.Json.Serialization;

namespace OneGate.Payment.Providers.ShopeePay;

/// <summary>ShopeePay's bodies (snake_case) and its status words.</summary>
internal static class ShopeePayWire
{
    /// <summary><c>amount</c> is a JSON number; always sent with 2 fraction digits (<c>150000.00</c>).</summary>
    public static decimal TwoDecimals(decimal amount) => decimal.Round(amount, 2) + 0.00m;

    public static ProviderOutcome? Outcome(string? status) => status switch
    {
        "SUCCESS" => ProviderOutcome.Succeeded,
        "PENDING" => ProviderOutcome.Pending,
        "FAILED" or "CANCELLED" or "EXPIRED" => ProviderOutcome.Declined,
        _ => null,
    };
}

internal sealed record ShopeePayPaymentRequest(
    [property: JsonPropertyName("reference_id")] string ReferenceId,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("callback_url")] string CallbackUrl);

internal sealed record ShopeePayPayment(
    [property: JsonPropertyName("reference_id")] string? ReferenceId,
    [property: JsonPropertyName("transaction_sn")] string? TransactionSn,
    [property: JsonPropertyName("amount")] decimal? Amount,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("failure_reason")] string? FailureReason);
