using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Events;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The one place money moves. Every method runs inside the caller's database transaction and, in it,
/// changes balances with set-based conditional updates (no read-modify-write: a lost update is impossible
/// and a balance can never go negative or above the cap), writes the history row with its before/after
/// balances and movement number, and writes the outbox event. Commit or roll back is the caller's.
/// </summary>
public sealed class Ledger(PaymentDbContext db, IOptions<PaymentLimits> limits, TimeProvider time)
{
    private sealed record Movement(decimal BalanceAfter, long LedgerSequence);

    public decimal BalanceCap => limits.Value.BalanceCap;

    public async Task<(HistoricalTransaction? Row, LedgerFailure Failure)> PayAsync(Account account, decimal amount, string merchant,
        string? description, string? externalReference, CancellationToken ct)
    {
        var (movement, failure) = await MoveAsync(account.Id, -amount, ct);
        if (movement is null)
        {
            return (null, failure);
        }

        var row = NewRow(account, TransactionType.Payment, TransactionDirection.Debit, amount, movement, description ?? $"Payment to {merchant}");
        row.Merchant = merchant;
        row.ExternalReference = externalReference;
        return (await AddAsync(row, ct), LedgerFailure.None);
    }

    /// <summary>
    /// Debits the sender and credits the recipient. The two accounts are updated in ascending id order so
    /// that opposite transfers between the same pair wait for each other instead of deadlocking.
    /// </summary>
    public async Task<(HistoricalTransaction? SenderRow, LedgerFailure Failure, bool RecipientFailed)> TransferAsync(
        Account sender, Account recipient, decimal amount, string? description, CancellationToken ct)
    {
        var senderFirst = sender.Id.CompareTo(recipient.Id) < 0;
        Movement? debit = null, credit = null;
        foreach (var (accountId, delta, isSender) in senderFirst
                     ? new[] { (sender.Id, -amount, true), (recipient.Id, amount, false) }
                     : new[] { (recipient.Id, amount, false), (sender.Id, -amount, true) })
        {
            var (movement, failure) = await MoveAsync(accountId, delta, ct);
            if (movement is null)
            {
                // The caller rolls back the half already applied. Whichever account was locked first, the
                // sender's own problem is reported first, so the answer does not depend on id order.
                var senderNow = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == sender.Id, ct);
                var senderBalance = senderNow.Balance + (debit is null ? 0 : amount); // undo this transaction's own debit
                return senderNow.Status != AccountStatus.Active ? (null, LedgerFailure.AccountNotActive, false)
                    : senderBalance < amount && !isSender ? (null, LedgerFailure.InsufficientFunds, false)
                    : (null, failure, !isSender);
            }

            if (isSender)
            {
                debit = movement;
            }
            else
            {
                credit = movement;
            }
        }

        var reference = TransactionIds.NewTransferReference(time.GetUtcNow());
        var senderRow = NewRow(sender, TransactionType.Transfer, TransactionDirection.Debit, amount, debit!, description ?? "Transfer");
        var recipientRow = NewRow(recipient, TransactionType.Transfer, TransactionDirection.Credit, amount, credit!, description ?? "Transfer");
        senderRow.TransferReference = recipientRow.TransferReference = reference;
        senderRow.RelatedTransactionId = recipientRow.TransactionId;
        recipientRow.RelatedTransactionId = senderRow.TransactionId;
        await AddAsync(recipientRow, ct);
        return (await AddAsync(senderRow, ct), LedgerFailure.None, false);
    }

    public async Task<(HistoricalTransaction? Row, LedgerFailure Failure)> RefundAsync(Account account, HistoricalTransaction payment, decimal amount,
        string? reason, CancellationToken ct)
    {
        var (movement, failure) = await MoveAsync(account.Id, amount, ct);
        if (movement is null)
        {
            return (null, failure);
        }

        var row = NewRow(account, TransactionType.Refund, TransactionDirection.Credit, amount, movement, reason ?? $"Refund of {payment.TransactionId}");
        row.RelatedTransactionId = payment.TransactionId;
        row.Merchant = payment.Merchant;
        return (await AddAsync(row, ct), LedgerFailure.None);
    }

    /// <summary>A top-up the provider has not confirmed yet: recorded, balance untouched.</summary>
    public async Task<HistoricalTransaction> RecordPendingTopUpAsync(Account account, decimal amount, PaymentMethod method, string? description, CancellationToken ct)
    {
        var row = NewRow(account, TransactionType.Topup, TransactionDirection.Credit, amount, movement: null,
            description ?? $"Top-up via {(method == PaymentMethod.Gopay ? "GoPay" : "ShopeePay")}");
        row.Status = TransactionStatus.Pending;
        row.PaymentMethod = method;
        return await AddAsync(row, ct);
    }

    /// <summary>
    /// Credits a PENDING top-up exactly once, whichever of response, callback or reconciliation confirms it
    /// first: the row is claimed with a conditional update (status = PENDING) and locked for this transaction.
    /// Returns null when it was no longer pending (already confirmed or failed).
    /// </summary>
    public async Task<(HistoricalTransaction? Row, LedgerFailure Failure)> ConfirmTopUpAsync(string transactionId, string? providerReference, CancellationToken ct)
    {
        var row = await ClaimPendingAsync(transactionId, ct);
        if (row is null)
        {
            return (null, LedgerFailure.None);
        }

        var (movement, failure) = await MoveAsync(row.AccountId, row.Amount, ct);
        if (movement is null)
        {
            return (null, failure);
        }

        row.Status = TransactionStatus.Success;
        row.BalanceBefore = movement.BalanceAfter - row.Amount;
        row.BalanceAfter = movement.BalanceAfter;
        row.LedgerSequence = movement.LedgerSequence;
        row.ExternalReference = providerReference ?? row.ExternalReference;
        row.UpdatedAt = time.GetUtcNow();
        Outbox.Add(db, row, "transaction.updated");
        await db.SaveChangesAsync(ct);
        return (row, LedgerFailure.None);
    }

    /// <summary>Marks a PENDING top-up FAILED (nothing credited). Null when it was no longer pending.</summary>
    public async Task<HistoricalTransaction?> FailTopUpAsync(string transactionId, string? providerReference, string reason, CancellationToken ct)
    {
        var row = await ClaimPendingAsync(transactionId, ct);
        if (row is null)
        {
            return null;
        }

        row.Status = TransactionStatus.Failed;
        row.ExternalReference = providerReference ?? row.ExternalReference;
        row.Metadata = System.Text.Json.JsonSerializer.Serialize(new { failureReason = reason });
        row.UpdatedAt = time.GetUtcNow();
        Outbox.Add(db, row, "transaction.updated");
        await db.SaveChangesAsync(ct);
        return row;
    }

    private async Task<HistoricalTransaction?> ClaimPendingAsync(string transactionId, CancellationToken ct) =>
        await db.HistoricalTransactions
            .FromSqlInterpolated($"SELECT * FROM historical_transactions WHERE transaction_id = {transactionId} AND type = 'TOPUP' AND status = 'PENDING' FOR UPDATE")
            .SingleOrDefaultAsync(ct);

    /// <summary>
    /// Applies a signed delta to one account if, and only if, the account is ACTIVE, stays non-negative and
    /// (for credits) stays within the cap. The updated row stays locked until the transaction ends.
    /// </summary>
    private async Task<(Movement? Movement, LedgerFailure Failure)> MoveAsync(Guid accountId, decimal delta, CancellationToken ct)
    {
        var cap = limits.Value.BalanceCap;
        var moved = await db.Database.SqlQuery<Movement>($"""
            UPDATE accounts
               SET balance = balance + {delta}, ledger_sequence = ledger_sequence + 1, updated_at = now()
             WHERE id = {accountId}
               AND status = 'ACTIVE'
               AND balance + {delta} >= 0
               AND ({delta} <= 0 OR balance + {delta} <= {cap})
            RETURNING balance AS "BalanceAfter", ledger_sequence AS "LedgerSequence"
            """).ToListAsync(ct);
        if (moved.Count == 1)
        {
            return (moved[0], LedgerFailure.None);
        }

        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        return (null, account.Status != AccountStatus.Active ? LedgerFailure.AccountNotActive
            : delta < 0 ? LedgerFailure.InsufficientFunds
            : LedgerFailure.BalanceLimitExceeded);
    }

    private HistoricalTransaction NewRow(Account account, TransactionType type, TransactionDirection direction, decimal amount, Movement? movement, string description)
    {
        var now = time.GetUtcNow();
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
            Amount = amount,
            // A pending row shows the balance at the time it was recorded, before equal to after.
            BalanceBefore = before ?? account.Balance,
            BalanceAfter = after ?? account.Balance,
            LedgerSequence = movement?.LedgerSequence,
            Currency = "IDR",
            Description = description,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<HistoricalTransaction> AddAsync(HistoricalTransaction row, CancellationToken ct)
    {
        db.HistoricalTransactions.Add(row);
        Outbox.Add(db, row, "transaction.committed");
        await db.SaveChangesAsync(ct);
        return row;
    }
}
