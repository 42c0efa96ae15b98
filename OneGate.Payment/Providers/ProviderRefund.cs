namespace OneGate.Payment.Providers;

/// <summary>Money to give back for a charge (SNAP service 58); <see cref="RefundNo"/> is the provider's idempotency key.</summary>
public sealed record ProviderRefund(string TransactionId, string? ProviderReference, string RefundNo, string ExternalId, decimal Amount, string Reason);
