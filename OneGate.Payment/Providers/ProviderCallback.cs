using OneGate.Payment.Data;

namespace OneGate.Payment.Providers;

/// <summary>
/// A provider notification whose signature was verified. The caller must still find the PENDING top-up by
/// <see cref="TransactionId"/>, check <see cref="Amount"/> equals it, and apply it idempotently (callbacks are
/// retried and may repeat).
/// </summary>
public sealed record ProviderCallback(
    PaymentMethod Method,
    string TransactionId,
    string ProviderReference,
    ProviderOutcome Outcome,
    string RawStatus,
    decimal Amount,
    string? FailureReason = null);
