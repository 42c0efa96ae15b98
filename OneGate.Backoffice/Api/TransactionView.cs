namespace OneGate.Backoffice.Api;

/// <summary>One ledger movement of an account (Payment's transaction object).</summary>
public sealed record TransactionView(string TransactionId, string Type, string Status, string Direction, decimal Amount, decimal BalanceAfter,
    string Currency, string? Description, DateTimeOffset CreatedAt);
