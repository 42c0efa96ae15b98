using System.Text.Json.Serialization;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>A payment as ShopeePay shows it (responses and callbacks).</summary>
public sealed record ShopeePayPayment(
    [property: JsonPropertyName("reference_id")] string ReferenceId,
    [property: JsonPropertyName("transaction_sn")] string TransactionSn,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("failure_reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FailureReason)
{
    public const string DeclinedReason = "PAYMENT_DECLINED";

    public static ShopeePayPayment From(SandboxCharge charge)
    {
        var status = charge.Status;
        return new ShopeePayPayment(charge.Reference, charge.ProviderReference,
            decimal.Round(charge.Amount, 2) + 0.00m, // always 2 fraction digits on the wire
            charge.Currency,
            status switch
            {
                ChargeStatus.Settled => "SUCCESS",
                ChargeStatus.Pending => "PENDING",
                ChargeStatus.Declined => "FAILED",
                _ => throw new InvalidOperationException($"Unknown status {status}."),
            },
            status == ChargeStatus.Declined ? DeclinedReason : null);
    }
}
