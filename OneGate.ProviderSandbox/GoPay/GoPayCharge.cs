using System.Globalization;
using System.Text.Json.Serialization;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>A charge as GoPay shows it (charge and status responses).</summary>
public sealed record GoPayCharge(
    [property: JsonPropertyName("charge_id")] string ChargeId,
    [property: JsonPropertyName("order_id")] string OrderId,
    [property: JsonPropertyName("gross_amount")] string GrossAmount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_code")] string StatusCode)
{
    public static GoPayCharge From(SandboxCharge charge)
    {
        var (status, statusCode) = Wire(charge.Status);
        return new GoPayCharge(charge.ProviderReference, charge.Reference, FormatAmount(charge.Amount), charge.Currency, status, statusCode);
    }

    /// <summary>Midtrans-style spelling: settlement/200, pending/201, deny/202.</summary>
    public static (string Status, string StatusCode) Wire(ChargeStatus status) => status switch
    {
        ChargeStatus.Settled => ("settlement", "200"),
        ChargeStatus.Pending => ("pending", "201"),
        ChargeStatus.Declined => ("deny", "202"),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string FormatAmount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
