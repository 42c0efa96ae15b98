using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The top-up settlements (<see cref="PostingRequest.Settle"/>) of one <see cref="PostingEngine"/> batch in one database
/// transaction: bound the lock waits (<see cref="PostingOptions.LockTimeout"/>) and lock the top-ups' accounts in
/// ascending user id — the order every batch of every replica takes its account locks in — then their TOPUP rows in
/// ascending transaction id; then apply each word in arrival order with the ledger's top-up transitions
/// (<see cref="Postings.SettleTopUpAsync"/>: a later word on the same top-up sees what an earlier one did), and commit
/// once. Any failure rolls the whole transaction back (the engine tries again, then splits the batch).
/// </summary>
public sealed class SettlementBatch(PaymentDbContext db, Postings ledger, IOptions<PostingOptions> options)
{
    public async Task<List<(QueuedPosting Queued, PostingAnswer Answer)>> PostAsync(IReadOnlyList<QueuedPosting> batch, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var topUps = await LockAsync((NpgsqlTransaction)transaction.GetDbTransaction(), [.. batch.Select(q => (PostingRequest.Settle)q.Request)], ct);
        var answers = new List<(QueuedPosting, PostingAnswer)>();
        var caller = Activity.Current;
        try
        {
            foreach (var queued in batch)
            {
                // The word's own trace, so its event carries it on to Kafka.
                Activity.Current = queued.Trace;
                answers.Add((queued, new PostingAnswer.Settled(await SettleAsync(topUps, (PostingRequest.Settle)queued.Request, ct))));
            }
        }
        finally
        {
            Activity.Current = caller;
        }

        // Everything is saved; untracked, the rows' owners are not bumped at the commit (on the writer loop) but by the engine before it answers.
        db.ChangeTracker.Clear();
        await transaction.CommitAsync(ct);
        return answers;
    }

    /// <summary>The row as this word left it (a copy: a later word in the batch may change it again), or null when unchanged.</summary>
    private async Task<HistoricalTransaction?> SettleAsync(Dictionary<string, HistoricalTransaction> topUps, PostingRequest.Settle settle, CancellationToken ct)
    {
        if (!topUps.TryGetValue(settle.Word.TransactionId, out var row))
        {
            return null;
        }

        if (row.UserId != settle.UserId)
        {
            // Its account is not the one locked: changing it here would take that account's lock after a top-up row.
            throw new InvalidOperationException($"Top-up {row.TransactionId} belongs to another user than its settlement names.");
        }

        return await ledger.SettleTopUpAsync(row, settle.Word, ct) is { } changed ? (HistoricalTransaction)db.Entry(changed).CurrentValues.ToObject() : null;
    }

    /// <summary>Accounts first, ascending, then the TOPUP rows, ascending: returns the rows (tracked) by transaction id.</summary>
    private async Task<Dictionary<string, HistoricalTransaction>> LockAsync(NpgsqlTransaction transaction, List<PostingRequest.Settle> settles,
        CancellationToken ct)
    {
        var users = settles.Select(s => s.UserId).Distinct().Order().ToArray();
        var ids = settles.Select(s => s.Word.TransactionId).Distinct().Order(StringComparer.Ordinal).ToArray();
        await using (var batch = new NpgsqlBatch(transaction.Connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(options.Value.SetLockTimeoutSql()));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1 FROM accounts WHERE user_id = ANY($1) ORDER BY user_id FOR UPDATE")
            {
                Parameters = { new NpgsqlParameter<int[]> { TypedValue = users } },
            });
            await batch.ExecuteNonQueryAsync(ct);
        }

        var rows = await db.HistoricalTransactions
            .FromSqlInterpolated($"SELECT * FROM historical_transactions WHERE transaction_id = ANY({ids}) AND type = 'TOPUP' ORDER BY transaction_id FOR UPDATE")
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.TransactionId);
    }
}
