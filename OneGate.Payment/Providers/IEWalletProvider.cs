using OneGate.Payment.Data;

namespace OneGate.Payment.Providers;

/// <summary>
/// One e-wallet a customer can top up from, spoken to over SNAP (one <see cref="Snap.SnapProvider"/> per payment method).
/// Every call is safe to repeat: a charge with the same <see cref="ProviderCharge.ExternalId"/> and body, and a refund
/// with the same <see cref="ProviderRefund.RefundNo"/>, never take or give back money twice.
/// </summary>
public interface IEWalletProvider
{
    PaymentMethod Method { get; }

    /// <summary>Service 54: asks the provider to take <see cref="ProviderCharge.Amount"/> under our transaction id.</summary>
    /// <returns>Succeeded, Pending (the provider confirms later by notification or status inquiry) or Declined.</returns>
    /// <exception cref="ProviderUnavailableException">
    /// No trustworthy answer (timeout, 5xx, open circuit, refused credentials, a duplicate, an unmapped code, an answer
    /// for another request). The charge may or may not exist at the provider: keep the top-up PENDING and ask
    /// <see cref="GetStatusAsync"/>. Never a decline.
    /// </exception>
    Task<ProviderChargeResult> ChargeAsync(ProviderCharge charge, CancellationToken ct);

    /// <summary>Service 55: the provider's current view of the charge made under <paramref name="transactionId"/>; null if it has none.</summary>
    /// <exception cref="ProviderUnavailableException">As for <see cref="ChargeAsync"/>.</exception>
    Task<ProviderChargeResult?> GetStatusAsync(string transactionId, string? providerReference, CancellationToken ct);

    /// <summary>Service 58: gives back <see cref="ProviderRefund.Amount"/> of a settled charge.</summary>
    /// <returns>Refunded, or not refunded because the provider refused definitively (its code in the result).</returns>
    /// <exception cref="ProviderUnavailableException">Whether the refund happened is unknown: send the same refund again later.</exception>
    Task<ProviderRefundResult> RefundAsync(ProviderRefund refund, CancellationToken ct);
}
