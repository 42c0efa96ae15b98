using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>
/// A ledger row as a regulator sees it. No email, no name, no description (free text a user may have filled
/// with personal data), no balances, no external references: only the movement itself and a stable
/// pseudonymous account id. <see cref="MaskedUsername"/> and <see cref="MaskedPhone"/> are masked per contract
/// (<see cref="Pseudonyms.PersonalDataMask"/>) from <c>masked_users</c>, which Auth's <c>onegate.users.v1</c> events
/// feed; never null: a user whose event has not arrived yet is masked whole (<c>***</c>, <c>+***</c>).
/// </summary>
public sealed record RegulatorTransaction(
    string TransactionId, string AccountRef, TransactionType Type, TransactionStatus Status, TransactionDirection Direction,
    decimal Amount, string Currency, PaymentMethod? PaymentMethod, DateTimeOffset CreatedAt, string MaskedUsername, string MaskedPhone);
