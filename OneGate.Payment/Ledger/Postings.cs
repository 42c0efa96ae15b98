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
/// balances and movement number, and writes the outbox event. Commit or roll back is the caller's (which may
/// send its COMMIT with the staged rows: <see cref="SaveAndCommitAsync"/>).
/// Pay, transfer and refund only stage their rows: the caller saves them with <see cref="SaveAsync"/> in the
/// same round trip as the stored idempotent answer (see <c>Money.MoneyRequests</c>). Knows nothing of HTTP: it
/// answers with a <see cref="PostingOutcome"/> and the endpoints translate it.
/// New rows are not tracked by EF (see <see cref="RowInserts"/>); a changed top-up row is.
/// </summary>
public sealed partial class Postings(PaymentDbContext db, IOptions<PaymentLimits> limits, TimeProvider time)
{
    // New rows (history, outbox events, the stored answer) waiting for SaveAsync, in insertion order.
    private readonly List<object> staged = [];

    // Sent first in the transaction's next round trip of balance moves or staged rows (BoundLockWaits).
    private string? firstStatement;

    public decimal BalanceCap => limits.Value.BalanceCap;

    /// <summary>
    /// Bounds the caller's transaction's lock waits (the posting engine's batch of one): <paramref name="setLockTimeoutSql"/>
    /// goes first in the transaction's next round trip — a pay's or transfer's balance moves, which take its row
    /// locks, or the staged rows' inserts. Not for refunds, which lock before they move.
    /// </summary>
    public void BoundLockWaits(string setLockTimeoutSql) => firstStatement = setLockTimeoutSql;

    /// <summary>The statement <see cref="BoundLockWaits"/> left for this round trip, if any, added first to it.</summary>
    private void AddFirstStatement(NpgsqlBatch batch)
    {
        if (firstStatement is { } first)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(first));
            firstStatement = null;
        }
    }

    /// <summary>Posts one request in the caller's transaction (the path without the <see cref="PostingEngine"/>, and its batches of one).</summary>
    public Task<PostingOutcome> PostAsync(PostingRequest request, CancellationToken ct) => request switch
    {
        PostingRequest.Pay pay => PayAsync(pay.UserId, pay.Amount, pay.Merchant, pay.Description, pay.ExternalReference, ct),
        PostingRequest.Transfer { RecipientUserId: null } => Task.FromResult<PostingOutcome>(new PostingOutcome.Refused(Refusal.RecipientNotFound)),
        PostingRequest.Transfer transfer => TransferAsync(transfer.UserId, transfer.RecipientUserId.Value, transfer.Amount, transfer.Description, ct),
        PostingRequest.Refund refund => RefundAsync(refund.UserId, refund.PaymentTransactionId, refund.Amount, refund.Reason, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(request)),
    };

    public async Task<PostingOutcome> PayAsync(int userId, decimal amount, string merchant, string? description, string? externalReference,
        CancellationToken ct)
    {
        var (moved, refusal) = await MoveAsync(userId, -amount, ct);
        if (moved is not { } m)
        {
            return refusal!;
        }

        var row = LedgerRows.Payment(m.Account, m.Movement, amount, merchant, description, externalReference, time.GetUtcNow());
        Stage(row);
        return new PostingOutcome.Posted(row);
    }

    /// <summary>
    /// Debits the sender and credits the recipient. Both accounts are opened if this is their first use and both
    /// balances move in one round trip: the two conditional updates run in ascending user-id order, so
    /// opposite transfers between the same pair wait for each other instead of deadlocking.
    /// </summary>
    public async Task<PostingOutcome> TransferAsync(int senderUserId, int recipientUserId, decimal amount, string? description, CancellationToken ct)
    {
        if (senderUserId == recipientUserId)
        {
            return new PostingOutcome.Refused(Refusal.SelfTransfer);
        }

        var moved = await ApplyAsync(senderUserId < recipientUserId
            ? [(senderUserId, -amount, 0m), (recipientUserId, amount, 0m)]
            : [(recipientUserId, amount, 0m), (senderUserId, -amount, 0m)], ct);
        if (!moved.TryGetValue(senderUserId, out var debit))
        {
            // The caller rolls back whatever half was applied; the sender's own problem is reported first.
            return new PostingOutcome.Refused(await WhyRefusedAsync(senderUserId, -amount, ct));
        }

        if (!moved.TryGetValue(recipientUserId, out var credit))
        {
            return new PostingOutcome.Refused(await WhyRefusedAsync(recipientUserId, amount, ct), Counterparty: true);
        }

        var (senderRow, recipientRow) = LedgerRows.Transfer(debit.Account, debit.Movement, credit.Account, credit.Movement, amount, description, time.GetUtcNow());
        Stage(recipientRow);
        Stage(senderRow);
        return new PostingOutcome.Posted(senderRow);
    }

    /// <summary>
    /// Refunds (part of) one of the user's payments. Locks the payer's account first — the lock the posting engine
    /// judges refunds under too — so two refunds of one payment are judged one after the other whichever path posts
    /// them (<see cref="RefundEligibility"/>); each later statement reads what the earlier refund committed.
    /// </summary>
    public async Task<PostingOutcome> RefundAsync(int userId, string paymentTransactionId, decimal? amount, string? reason, CancellationToken ct)
    {
        if (firstStatement is not null)
        {
            throw new InvalidOperationException("A refund takes its lock before any balance move: bounded lock waits are for pay and transfer.");
        }

        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM accounts WHERE user_id = {userId} FOR UPDATE", ct);
        var payment = await db.HistoricalTransactions
            .FromSqlInterpolated($"SELECT * FROM historical_transactions WHERE transaction_id = {paymentTransactionId} AND user_id = {userId}")
            .AsNoTracking().SingleOrDefaultAsync(ct);
        var refunded = payment is null ? 0m : await db.HistoricalTransactions
            .Where(t => t.RelatedTransactionId == payment.TransactionId && t.Type == TransactionType.Refund && t.Status == TransactionStatus.Success)
            .SumAsync(t => t.Amount, ct);
        var (refund, refused) = RefundEligibility.Check(payment, refunded, amount);
        if (refused is not null)
        {
            return refused;
        }

        var (moved, refusal) = await MoveAsync(userId, refund, ct);
        if (moved is not { } m)
        {
            return refusal!;
        }

        var row = LedgerRows.Refund(m.Account, m.Movement, payment!.TransactionId, payment.Merchant, refund, reason, time.GetUtcNow());
        Stage(row);
        return new PostingOutcome.Posted(row);
    }

    /// <summary><see cref="MoveCommand"/> for one account (opened first if new), with the reason when it was refused.</summary>
    private async Task<((Account Account, Movement Movement)? Moved, PostingOutcome.Refused? Refusal)> MoveAsync(int userId, decimal delta,
        CancellationToken ct, decimal releasedTopUps = 0)
    {
        var moved = await ApplyAsync([(userId, delta, releasedTopUps)], ct);
        return moved.TryGetValue(userId, out var m) ? (m, null) : (null, new PostingOutcome.Refused(await WhyRefusedAsync(userId, delta, ct)));
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
        AddFirstStatement(batch);
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
    private async Task<Refusal> WhyRefusedAsync(int userId, decimal delta, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.UserId == userId, ct);
        return BalanceRules.WhyRefused(account.Status, delta);
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
                await InsertStagedAsync(commit: false, ct);
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

    /// <summary>
    /// Writes what was staged and commits the caller's transaction in the same round trip; a failed insert (a key
    /// stored first) leaves the COMMIT behind it unrun and throws. The transaction is committed on the server only:
    /// EF's transaction object is left to be disposed, and its commit hooks (the history-cache interceptor) do not run.
    /// </summary>
    public async Task SaveAndCommitAsync(CancellationToken ct)
    {
        if (db.ChangeTracker.HasChanges())
        {
            throw new InvalidOperationException("Tracked changes are saved by SaveAsync, not in the commit's round trip.");
        }

        try
        {
            await InsertStagedAsync(commit: true, ct);
        }
        finally
        {
            staged.Clear();
        }
    }

    private async Task InsertStagedAsync(bool commit, CancellationToken ct)
    {
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var owners = staged.OfType<HistoricalTransaction>().Select(r => r.UserId).ToList();
        if (transaction is null && owners.Count > 0)
        {
            throw new InvalidOperationException("Ledger rows are written only inside the caller's transaction.");
        }

        if (transaction is null && commit)
        {
            throw new InvalidOperationException("There is no transaction to commit.");
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), transaction);
            AddFirstStatement(batch);
            foreach (var row in staged)
            {
                batch.BatchCommands.Add(RowInserts.Command(db, row));
            }

            if (commit)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }

            await batch.ExecuteNonQueryAsync(ct);
            if (!commit)
            {
                // For the history-cache interceptor at EF's commit; a COMMIT sent here never reaches it (the engine bumps).
                db.LedgerRowOwners.UnionWith(owners);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
