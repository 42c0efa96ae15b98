namespace OneGate.Backoffice.Api;

/// <summary>An account as Payment shows operators: balance, headroom held for PENDING top-ups, status, latest movements.</summary>
public sealed record AccountView(Guid AccountId, int UserId, decimal Balance, decimal PendingTopUps, string Currency, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<TransactionView> RecentTransactions);
