namespace OneGate.Payment.Providers;

/// <summary>
/// A charge to ask an e-wallet for. <see cref="TransactionId"/> is our transaction id and is sent as the
/// provider's idempotency reference (GoPay <c>order_id</c>, ShopeePay <c>reference_id</c>).
/// </summary>
public sealed record ProviderCharge
{
    public const string Currency = "IDR";

    public ProviderCharge(string transactionId, decimal amount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionId);
        if (amount <= 0 || decimal.Round(amount, 2) != amount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A positive amount with at most 2 fraction digits.");
        }

        TransactionId = transactionId;
        Amount = amount;
    }

    public string TransactionId { get; }

    public decimal Amount { get; }
}
