using OneGate.Payment.Data;

namespace OneGate.Payment.Events;

/// <summary>
/// Version 1 of the event on <c>onegate.transactions.v1</c>, one per committed change of a transaction
/// (<c>transaction.committed</c> when written, <c>transaction.updated</c> when a PENDING top-up becomes
/// SUCCESS or FAILED). Key: the account id, so one account's events keep their order. Consumers apply each
/// <see cref="EventId"/> once; <see cref="Transaction"/> is the full state after the change.
/// </summary>
public sealed record TransactionEvent(Guid EventId, string EventType, int Version, DateTimeOffset OccurredAt, TransactionEventData Transaction);

public sealed record TransactionEventData(
    string TransactionId, Guid AccountId, int UserId, TransactionType Type, TransactionStatus Status, TransactionDirection Direction,
    decimal Amount, decimal BalanceBefore, decimal BalanceAfter, string Currency, string? Description, PaymentMethod? PaymentMethod,
    string? ExternalReference, string? Merchant, string? RelatedTransactionId, string? TransferReference, bool IsAccessibleExternal,
    long? LedgerSequence, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TransactionEventData From(HistoricalTransaction t) => new(
        t.TransactionId, t.AccountId, t.UserId, t.Type, t.Status, t.Direction, t.Amount, t.BalanceBefore, t.BalanceAfter, t.Currency,
        t.Description, t.PaymentMethod, t.ExternalReference, t.Merchant, t.RelatedTransactionId, t.TransferReference,
        t.IsAccessibleExternal, t.LedgerSequence, t.CreatedAt, t.UpdatedAt);
}
