namespace OneGate.Payment.Providers;

/// <summary>
/// A refund to ask an e-wallet for (service 58) of the charge made under <see cref="TransactionId"/>.
/// <see cref="RefundNo"/> (<c>partnerRefundNo</c>) and <see cref="ExternalId"/> are persisted by the caller, so a
/// retry is the same refund, never a second one.
/// </summary>
public sealed record ProviderRefund(string TransactionId, string? ProviderReference, string RefundNo, string ExternalId, decimal Amount, string Reason);
