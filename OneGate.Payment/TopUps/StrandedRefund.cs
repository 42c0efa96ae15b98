using OneGate.Payment.Data;

namespace OneGate.Payment.TopUps;

/// <summary>Money an e-wallet took that we give back (a <c>top_up_refunds</c> row with its top-up's owner), as operators see it.</summary>
public sealed record StrandedRefund(
    string TransactionId, int UserId, PaymentMethod? PaymentMethod, decimal Amount, string Reason, string Status, int Attempts,
    DateTimeOffset? NextAttemptAt, string? LastError, string? ResolutionNote, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
