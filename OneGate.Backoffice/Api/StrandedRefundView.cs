namespace OneGate.Backoffice.Api;

/// <summary>A top-up being refunded to the e-wallet (money taken that could not be credited).</summary>
public sealed record StrandedRefundView(string TransactionId, int UserId, string? PaymentMethod, decimal Amount, string Reason, string Status,
    int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, string? ResolutionNote, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
