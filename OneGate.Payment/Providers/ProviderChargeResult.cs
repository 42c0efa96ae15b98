namespace OneGate.Payment.Providers;

/// <summary>The provider's answer about one charge.</summary>
/// <param name="Outcome">Where the charge stands.</param>
/// <param name="TransactionId">Our transaction id, as echoed by the provider.</param>
/// <param name="ProviderReference">The provider's own id (GoPay <c>charge_id</c>, ShopeePay <c>transaction_sn</c>): store it as the external reference.</param>
/// <param name="RawStatus">The provider's status word, for logs and audits.</param>
/// <param name="Amount">The amount the provider holds for this charge. <see cref="IEWalletProvider.ChargeAsync"/> has already checked it equals ours; after <see cref="IEWalletProvider.GetStatusAsync"/> the caller must.</param>
/// <param name="FailureReason">The provider's reason for a decline, when it gives one.</param>
public sealed record ProviderChargeResult(
    ProviderOutcome Outcome,
    string TransactionId,
    string ProviderReference,
    string RawStatus,
    decimal Amount,
    string? FailureReason = null);
