namespace OneGate.Payment.Providers;

/// <summary>
/// A charge to ask an e-wallet for: our transaction id (SNAP <c>partnerReferenceNo</c>), the amount, and the
/// <c>X-EXTERNAL-ID</c> persisted with the top-up, so a retry sends the same id with the identical body.
/// </summary>
public sealed record ProviderCharge(string TransactionId, decimal Amount, string ExternalId);
