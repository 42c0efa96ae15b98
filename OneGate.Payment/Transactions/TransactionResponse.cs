using OneGate.Payment.Data;

namespace OneGate.Payment.Transactions;

/// <summary>The contract's transaction object.</summary>
public sealed record TransactionResponse(
    string TransactionId, Guid AccountId, TransactionType Type, TransactionStatus Status, TransactionDirection Direction,
    decimal Amount, decimal BalanceBefore, decimal BalanceAfter, string Currency, string? Description,
    PaymentMethod? PaymentMethod, string? ExternalReference, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TransactionResponse From(HistoricalTransaction t) => new(
        t.TransactionId, t.AccountId, t.Type, t.Status, t.Direction, t.Amount, t.BalanceBefore, t.BalanceAfter, t.Currency,
        t.Description, t.PaymentMethod, t.ExternalReference, t.CreatedAt, t.UpdatedAt);
}
