using OneGate.Payment.Data;
using OneGate.Payment.Transactions;

namespace OneGate.Payment.Admin;

/// <summary>An account as operators see it: balance, headroom held for PENDING top-ups, status and the latest movements.</summary>
public sealed record AdminAccountResponse(
    Guid AccountId, int UserId, decimal Balance, decimal PendingTopUps, string Currency, AccountStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<TransactionResponse> RecentTransactions);
