using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using OneGate.Payment.Accounts;
using OneGate.Payment.Data;
using OneGate.Payment.Events;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The one place money moves. Every method runs inside the caller's database transaction and, in it,
/// changes balances with set-based conditional updates (no read-modify-write: a lost update is impossible
/// and a balance can never go negative or above the cap), writes the history row with its before/after
/// balances and movement number, and writes the outbox event. Commit or roll back is the caller's.
/// Pay, transfer and refund only stage their rows: the caller saves them with <see cref="SaveAsync"/> in the
/// same round trip as the stored idempotent answer (see <see cref="MoneyRequests"/>).
/// New rows are not tracked by EF (see <see cref="RowInserts"/>); a changed top-up row is.
/// </summary>
public sealed partial class Ledger(PaymentDbContext db, IOptions<PaymentLimits> limits, TimeProvider time)
{
    private sealed record Movement(decimal BalanceAfter, long LedgerSequence);

    // New rows (history, outbox events, the stored answer) waiting for SaveAsync, in insertion order.
    private readonly List<object> staged = [];

    public decimal BalanceCap => limits.Value.BalanceCap;

    public async Task<(HistoricalTransaction? Row, LedgerFailure Failure)> PayAsync(int userId, decimal amount, string merchant,
        string? description, string? externalReference, CancellationToken ct)
    {
        var (moved, failure) = await MoveAsync(userId, -amount, ct);
        if (moved is not { } m)
        {
            return (null, failure);
        }

        var row = NewRow(m.Account, TransactionType.Payment, TransactionDirection.Debit, amount, m.Movement, description ?? $"Payment to {merchant}");
        row.Merchant = merchant;
        row.ExternalReference = externalReference;
        Stage(row);
        return (row, LedgerFailure.None);
    }

    /// <summary>
    /// Debits the sender and credits the recipient. Both accounts are opened if this is their first use and both
    /// balances move in one round trip: the two conditional updates run in ascending user-id order, so
    /// opposite transfers between the same pair wait for each other instead of deadlocking.
    /// </summary>
    public async Task<(HistoricalTransaction? SenderRow, LedgerFailure Failure, bool RecipientFailed)> TransferAsync(
        int senderUserId, int recipientUserId, decimal amount, string? description, CancellationToken ct)
    {
        var moved = await ApplyAsync(senderUserId < recipientUserId
            ? [(senderUserId, -amount, 0m), (recipientUserId, amount, 0m)]
            : [(recipientUserId, amount, 0m), (senderUserId, -amount, 0m)], ct);
        if (!moved.TryGetValue(senderUserId, out var debit))
        {
            // The caller rolls back whatever half was applied; the sender's own problem is reported first.
            return (null, await WhyRefusedAsync(senderUserId, -amount, ct), false);
        }

        if (!moved.TryGetValue(recipientUserId, out var credit))
        {
            return (null, await WhyRefusedAsync(recipientUserId, amount, ct), true);
        }

        var reference = TransactionIds.NewTransferReference(time.GetUtcNow());
        var senderRow = NewRow(debit.Account, TransactionType.Transfer, TransactionDirection.Debit, amount, debit.Movement, description ?? "Transfer");
        var recipientRow = NewRow(credit.Account, TransactionType.Transfer, TransactionDirection.Credit, amount, credit.Movement, description ?? "Transfer");
        senderRow.TransferReference = recipientRow.TransferReference = reference;
        senderRow.RelatedTransactionId = recipientRow.TransactionId;
        recipientRow.RelatedTransactionId = senderRow.TransactionId;
        Stage(recipientRow);
        Stage(senderRow);
        return (senderRow, LedgerFailure.None, false);
    }

    public async Task<(HistoricalTransaction? Row, LedgerFailure Failure)> RefundAsync(int userId, HistoricalTransaction payment, decimal amount,
        string? reason, CancellationToken ct)
    {
        var (moved, failure) = await MoveAsync(userId, amount, ct);
        if (moved is not { } m)
        {
            return (null, failure);
        }

        var row = NewRow(m.Account, TransactionType.Refund, TransactionDirection.Credit, amount, m.Movement, reason ?? $"Refund of {payment.TransactionId}");
        row.RelatedTransactionId = payment.TransactionId;
        row.Merchant = payment.Merchant;
        Stage(row);
        return (row, LedgerFailure.None);
    }

    /// <summary><see cref="MoveCommand"/> for one account (opened first if new), with the reason when it was refused.</summary>
    private async Task<((Account Account, Movement Movement)? Moved, LedgerFailure Failure)> MoveAsync(int userId, decimal delta, CancellationToken ct,
        decimal releasedTopUps = 0)
    {
        var moved = await ApplyAsync([(userId, delta, releasedTopUps)], ct);
        return moved.TryGetValue(userId, out var m) ? (m, LedgerFailure.None) : (null, await WhyRefusedAsync(userId, delta, ct));
    }

    /// <summary>
    /// The one balance change: applies a signed delta to a user's account if, and only if, the account is ACTIVE,
    /// stays non-negative and (for credits) stays within the cap counting the headroom held for PENDING top-ups. A
    /// settled top-up releases its own headroom (<paramref name="releasedTopUps"/>) as it is credited. The updated row
    /// stays locked until the transaction ends.
    /// </summary>
    private NpgsqlBatchCommand MoveCommand(int userId, decimal delta, decimal releasedTopUps) => new("""
        UPDATE accounts
           SET balance = balance + $2, pending_top_ups = pending_top_ups - $4, ledger_sequence = ledger_sequence + 1, updated_at = now()
         WHERE user_id = $1
           AND status = 'ACTIVE'
           AND balance + $2 >= 0
           AND ($2 <= 0 OR balance + pending_top_ups - $4 + $2 <= $3)
        RETURNING user_id, id, balance, ledger_sequence
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<int> { TypedValue = userId },
            new NpgsqlParameter<decimal> { TypedValue = delta },
            new NpgsqlParameter<decimal> { TypedValue = limits.Value.BalanceCap },
            new NpgsqlParameter<decimal> { TypedValue = releasedTopUps },
        },
    };

    /// <summary>
    /// Opens the accounts (if new) and applies the <see cref="MoveCommand"/>s in the given order, in one round trip
    /// on the caller's transaction (money statements never run outside it). Returns the movements by user id; a
    /// refused one is absent.
    /// </summary>
    private async Task<Dictionary<int, (Account Account, Movement Movement)>> ApplyAsync((int UserId, decimal Delta, decimal ReleasedTopUps)[] moves,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Money moves only inside the caller's transaction."));
        foreach (var (userId, _, _) in moves)
        {
            batch.BatchCommands.Add(AccountOpening.Command(userId));
        }

        foreach (var (userId, delta, released) in moves)
        {
            batch.BatchCommands.Add(MoveCommand(userId, delta, released));
        }

        var moved = new Dictionary<int, (Account Account, Movement Movement)>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            while (reader.FieldCount == 4 && await reader.ReadAsync(ct))
            {
                var userId = reader.GetInt32(0);
                moved[userId] = (new Account { Id = reader.GetGuid(1), UserId = userId }, new Movement(reader.GetDecimal(2), reader.GetInt64(3)));
            }
        }
        while (await reader.NextResultAsync(ct));
        return moved;
    }

    /// <summary>Why a conditional update matched no row (read only on the refusal path).</summary>
    private async Task<LedgerFailure> WhyRefusedAsync(int userId, decimal delta, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.UserId == userId, ct);
        return account.Status != AccountStatus.Active ? LedgerFailure.AccountNotActive
            : delta < 0 ? LedgerFailure.InsufficientFunds
            : LedgerFailure.BalanceLimitExceeded;
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
            // With two decimals like the stored row, so the answer echoes 1000.00 for a request of 1000.
            Amount = MoneyRules.TwoDecimals(amount),
            // A pending row shows the balance at the time it was recorded, before equal to after.
            BalanceBefore = MoneyRules.TwoDecimals(before ?? account.Balance),
            BalanceAfter = MoneyRules.TwoDecimals(after ?? account.Balance),
            LedgerSequence = movement?.LedgerSequence,
            Currency = "IDR",
            Description = description,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<HistoricalTransaction> AddAsync(HistoricalTransaction row, CancellationToken ct)
    {
        Stage(row);
        await SaveAsync(ct);
        return row;
    }

    private void Stage(HistoricalTransaction row)
    {
        staged.Add(row);
        staged.Add(Outbox.Event(row, "transaction.committed"));
    }

    /// <summary>Stages another new row (the stored idempotent answer) to be inserted with the ledger's rows.</summary>
    public void Stage(IdempotencyKey key) => staged.Add(key);

    /// <summary>
    /// Writes what was staged inside the caller's transaction: the new rows in one batch (one round trip, see
    /// <see cref="RowInserts"/>), then any changed tracked rows through EF, without EF's automatic savepoint (two
    /// extra round trips per save): a failed save rolls back the whole money transaction anyway. What was staged is
    /// gone afterwards, saved or not.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            if (staged.Count > 0)
            {
                await InsertStagedAsync(ct);
            }
        }
        finally
        {
            staged.Clear();
        }

        if (db.ChangeTracker.HasChanges())
        {
            db.Database.AutoSavepointsEnabled = false;
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task InsertStagedAsync(CancellationToken ct)
    {
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var owners = staged.OfType<HistoricalTransaction>().Select(r => r.UserId).ToList();
        if (transaction is null && owners.Count > 0)
        {
            throw new InvalidOperationException("Ledger rows are written only inside the caller's transaction.");
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), transaction);
            foreach (var row in staged)
            {
                batch.BatchCommands.Add(RowInserts.Command(db, row));
            }

            await batch.ExecuteNonQueryAsync(ct);
            db.LedgerRowOwners.UnionWith(owners);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
