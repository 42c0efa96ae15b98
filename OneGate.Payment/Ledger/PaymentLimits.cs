using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Ledger;

/// <summary>Money limits (section <c>Payment:Limits</c>); the contract's defaults.</summary>
public sealed class PaymentLimits
{
    public const string Section = "Payment:Limits";

    [Range(typeof(decimal), "0.01", "9999999999999.99")]
    public decimal MinTopUp { get; set; } = 10_000.00m;

    [Range(typeof(decimal), "0.01", "9999999999999.99")]
    public decimal MaxTopUp { get; set; } = 10_000_000.00m;

    /// <summary>No account may hold more than this.</summary>
    [Range(typeof(decimal), "0.01", "9999999999999.99")]
    public decimal BalanceCap { get; set; } = 20_000_000.00m;
}
