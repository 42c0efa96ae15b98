namespace OneGate.Payment.Providers;

/// <summary>The provider's answer about one charge (service 54 answer, 55 inquiry or 56 notification).</summary>
/// <param name="Outcome">Where the charge stands.</param>
/// <param name="TransactionId">Our transaction id (<c>partnerReferenceNo</c>), as echoed by the provider.</param>
/// <param name="ProviderReference">The provider's <c>referenceNo</c>: store it as the external reference ("" when the provider gave none).</param>
/// <param name="RawStatus">The SNAP <c>responseCode</c> (54) or <c>latestTransactionStatus</c> (55, 56), for logs and audits.</param>
/// <param name="Amount">The amount the provider holds for this charge. <see cref="IEWalletProvider.ChargeAsync"/> has already checked it equals ours; after <see cref="IEWalletProvider.GetStatusAsync"/> or a notification the caller must.</param>
/// <param name="FailureReason">The provider's reason for a decline, when it gives one.</param>
public sealed record ProviderChargeResult(
    ProviderOutcome Outcome,
    string TransactionId,
    string ProviderReference,
    string RawStatus,
    decimal Amount,
    string? FailureReason = null);
