using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>
/// A ledger row as a regulator sees it. No email, no name, no description (free text a user may have filled
/// with personal data), no balances, no external references: only the movement itself and a stable
/// pseudonymous account id. <see cref="MaskedUsername"/> and <see cref="MaskedPhone"/> are masked per contract
/// (<see cref="Pseudonyms.PersonalDataMask"/>), never null; usernames and phones live in the Auth service's
/// <c>users</c> table, which this service does not read and the ledger does not carry, so today they are masked whole.
/// </summary>
public sealed record RegulatorTransaction(
    string TransactionId, string AccountRef, TransactionType Type, TransactionStatus Status, TransactionDirection Direction,
    decimal Amount, string Currency, PaymentMethod? PaymentMethod, DateTimeOffset CreatedAt, string MaskedUsername, string MaskedPhone);
