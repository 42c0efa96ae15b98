using OneGate.Payment.Data;

namespace OneGate.Payment.Providers;

/// <summary>
/// One e-wallet a customer can top up from. Both calls are safe to repeat: the provider dedupes charges by
/// our transaction id, so a retried or replayed charge never takes money twice.
/// </summary>
public interface IEWalletProvider
{
    PaymentMethod Method { get; }

    /// <summary>
    /// Asks the provider to take <see cref="ProviderCharge.Amount"/> under our transaction id.
    /// </summary>
    /// <returns>Succeeded, Pending (the provider confirms later by callback or status query) or Declined.</returns>
    /// <exception cref="ProviderUnavailableException">
    /// No trustworthy answer (timeout, 5xx, open circuit, refused credentials, unsigned or inconsistent
    /// response). The charge may or may not exist at the provider: keep the top-up PENDING and let
    /// reconciliation ask <see cref="GetStatusAsync"/>.
    /// </exception>
    Task<ProviderChargeResult> ChargeAsync(ProviderCharge charge, CancellationToken cancellationToken);

    /// <summary>The provider's current view of the charge made under <paramref name="transactionId"/>; null if it has none.</summary>
    /// <exception cref="ProviderUnavailableException">As for <see cref="ChargeAsync"/>.</exception>
    Task<ProviderChargeResult?> GetStatusAsync(string transactionId, string? providerReference, CancellationToken cancellationToken);

    /// <summary>Gives back money the provider took; safe to repeat with the same <see cref="ProviderRefund"/>.</summary>
    /// <exception cref="ProviderUnavailableException">No trustworthy answer: the refund may or may not have happened; ask again.</exception>
    Task<ProviderRefundResult> RefundAsync(ProviderRefund refund, CancellationToken cancellationToken);
}
