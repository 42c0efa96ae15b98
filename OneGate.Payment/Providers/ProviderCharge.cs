namespace OneGate.Payment.Providers;

/// <summary>
/// A charge to ask an e-wallet for (service 54). <see cref="TransactionId"/> is sent as <c>partnerReferenceNo</c>.
/// <see cref="ExternalId"/> (<c>X-EXTERNAL-ID</c>) is persisted by the caller with the top-up: a retry after a lost
/// answer sends it again, and the body is a pure function of the transaction id and amount, so the provider sees
/// the identical request and replays its answer instead of charging again.
/// </summary>
public sealed record ProviderCharge(string TransactionId, decimal Amount, string ExternalId);
