using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace OneGate.Payment.Providers.GoPay;

/// <summary>GoPay's request/response bodies (snake_case) and its spelling of amounts and statuses.</summary>
internal static partial class GoPayWire
{
    /// <summary><c>gross_amount</c> is a string with exactly 2 fraction digits: <c>"150000.00"</c>.</summary>
    public static string FormatAmount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static bool TryParseAmount(string? text, out decimal amount)
    {
        amount = 0;
        return text is not null && AmountPattern().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }

    /// <summary>Midtrans-style statuses; null for a word we do not know.</summary>
    public static ProviderOutcome? Outcome(string? status) => status switch
    {
        "settlement" or "capture" => ProviderOutcome.Succeeded,
        "pending" => ProviderOutcome.Pending,
        "deny" or "cancel" or "expire" or "failure" => ProviderOutcome.Declined,
        _ => null,
    };

    /// <summary>
    /// The outcome a (signed) <c>status_code</c> stands for: 200 paid, 201 pending, 202 refused, 407 expired.
    /// The callback signature covers <c>status_code</c> but not <c>status</c>, so a callback's outcome is
    /// trusted only when both agree.
    /// </summary>
    public static ProviderOutcome? OutcomeOfCode(string? statusCode) => statusCode switch
    {
        "200" => ProviderOutcome.Succeeded,
        "201" => ProviderOutcome.Pending,
        "202" or "407" => ProviderOutcome.Declined,
        _ => null,
    };

    [GeneratedRegex(@"^\d{1,13}\.\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();
}

internal sealed record GoPayTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

internal sealed record GoPayChargeRequest(
    [property: JsonPropertyName("order_id")] string OrderId,
    [property: JsonPropertyName("gross_amount")] string GrossAmount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("callback_url")] string CallbackUrl);

internal sealed record GoPayChargeResponse(
    [property: JsonPropertyName("charge_id")] string? ChargeId,
    [property: JsonPropertyName("order_id")] string? OrderId,
    [property: JsonPropertyName("gross_amount")] string? GrossAmount,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("status_code")] string? StatusCode);

internal sealed record GoPayNotification(
    [property: JsonPropertyName("order_id")] string? OrderId,
    [property: JsonPropertyName("charge_id")] string? ChargeId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("status_code")] string? StatusCode,
    [property: JsonPropertyName("gross_amount")] string? GrossAmount,
    [property: JsonPropertyName("signature_key")] string? SignatureKey);
