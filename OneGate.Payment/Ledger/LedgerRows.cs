using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The history rows a posted request writes, the same whichever path posted it (one transaction per request, or the
/// posting engine's batches): amounts with two decimals, before/after balances and the movement number.
/// </summary>
public static class LedgerRows
{
    public static HistoricalTransaction Payment(Account account, Movement movement, decimal amount, string merchant, string? description,
        string? externalReference, DateTimeOffset now)
    {
        var row = New(account, TransactionType.Payment, TransactionDirection.Debit, amount, movement, description ?? $"Payment to {merchant}", now);
        row.Merchant = merchant;
        row.ExternalReference = externalReference;
        return row;
    }

    /// <summary>The sender's debit and the recipient's credit, linked by one transfer reference and to each other.</summary>
    public static (HistoricalTransaction Sender, HistoricalTransaction Recipient) Transfer(Account sender, Movement debit, Account recipient, Movement credit,
        decimal amount, string? description, DateTimeOffset now)
    {
        var reference = TransactionIds.NewTransferReference(now);
        var senderRow = New(sender, TransactionType.Transfer, TransactionDirection.Debit, amount, debit, description ?? "Transfer", now);
        var recipientRow = New(recipient, TransactionType.Transfer, TransactionDirection.Credit, amount, credit, description ?? "Transfer", now);
        senderRow.TransferReference = recipientRow.TransferReference = reference;
        senderRow.RelatedTransactionId = recipientRow.TransactionId;
        recipientRow.RelatedTransactionId = senderRow.TransactionId;
        return (senderRow, recipientRow);
    }

    public static HistoricalTransaction Refund(Account account, Movement movement, string paymentTransactionId, string? merchant, decimal amount,
        string? reason, DateTimeOffset now)
    {
        var row = New(account, TransactionType.Refund, TransactionDirection.Credit, amount, movement, reason ?? $"Refund of {paymentTransactionId}", now);
        row.RelatedTransactionId = paymentTransactionId;
        row.Merchant = merchant;
        return row;
    }

    /// <summary>A SUCCESS row; without a movement (a PENDING top-up) it shows the account's balance as both before and after.</summary>
    public static HistoricalTransaction New(Account account, TransactionType type, TransactionDirection direction, decimal amount, Movement? movement,
        string description, DateTimeOffset now)
    {
        var after = movement?.BalanceAfter;
        var before = after is null ? (decimal?)null : direction == TransactionDirection.Credit ? after - amount : after + amount;
        return new HistoricalTransaction
        {
            TransactionId = TransactionIds.NewTransactionId(now),
            AccountId = account.Id,
            UserId = account.UserId,
            Type = type,
            Status = TransactionStatus.Success,
            Direction = direction,
            // With two decimals like the stored row, so the answer echoes 1000.00 for a request of 1000.
            Amount = MoneyRules.TwoDecimals(amount),
            BalanceBefore = MoneyRules.TwoDecimals(before ?? account.Balance),
            BalanceAfter = MoneyRules.TwoDecimals(after ?? account.Balance),
            LedgerSequence = movement?.LedgerSequence,
            Currency = "IDR",
            Description = description,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
