using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Payment.Ledger;

/// <summary>
/// One batch of the <see cref="PostingEngine"/> in one database transaction, two round trips whatever its size:
/// (1) bound the lock waits (<see cref="PostingOptions.LockTimeout"/>), open new accounts and lock every account the
/// batch touches, in ascending user id — the one global order every batch of every replica follows, so batches wait
/// for each other but never deadlock — then read which of the batch's keys are stored already (a replay is answered
/// from its stored answer, not posted) and the payments being refunded and what was refunded of them; (2) after the
/// requests were posted one after the other in <see cref="LockedBalances"/>, write the new balances, history rows,
/// outbox events and stored answers with one multi-row statement each, close again the accounts this batch opened
/// for requests that were refused (a refusal leaves nothing), and COMMIT. A key another request stored first in
/// spite of the check (a key stored outside any account lock) fails its insert, so the COMMIT behind it never runs
/// and the whole transaction rolls back; the batch is posted again and that request answered from the stored key.
/// A batch of one pay or transfer goes in the single-request statements instead (<see cref="PostingOptions.SingleRequestShape"/>).
/// </summary>
public sealed class PostingBatch(PaymentDbContext db, Postings postings, IOptions<PaymentLimits> limits, IOptions<PostingOptions> options,
    TimeProvider time)
{
    public async Task<List<(QueuedPosting Queued, PostingAnswer Answer)>> PostAsync(IReadOnlyList<QueuedPosting> batch, CancellationToken ct)
    {
        if (batch is [{ Request: PostingRequest.Pay or PostingRequest.Transfer } alone] && options.Value.SingleRequestShape)
        {
            return [await PostAloneAsync(alone, ct)];
        }

        var answers = new List<(QueuedPosting, PostingAnswer)>();
        var pending = new List<QueuedPosting>();
        var seen = new HashSet<(int, string)>();
        foreach (var queued in batch)
        {
            if (seen.Add((queued.Request.UserId, queued.IdempotencyKey)))
            {
                pending.Add(queued);
            }
            else
            {
                answers.Add((queued, new PostingAnswer.KeyTaken()));
            }
        }

        // Each taken key found this way is a replay on the next attempt (read under the locks), so this ends.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                answers.AddRange(await TryPostAsync(pending, ct));
                return answers;
            }
            catch (Exception ex) when (IdempotencyKeyConfiguration.IsTaken(ex) && attempt < pending.Count)
            {
                PostingMetrics.Reposted();
            }
        }
    }

    /// <summary>
    /// A batch of one pay or transfer in the single-request statements (<see cref="PostingOptions.SingleRequestShape"/>):
    /// the lock timeout, account openings and conditional balance updates in ascending user id (the global lock order)
    /// in one round trip; the rows, the stored answer and the COMMIT in the next. A refusal rolls the movement back and
    /// is stored alone in a transaction of its own (lock waits bounded too: another session may hold the key), as a
    /// refused request leaves nothing else; a key stored first fails the insert (nothing of this attempt stays) and
    /// the request is answered from the stored key.
    /// </summary>
    private async Task<(QueuedPosting, PostingAnswer)> PostAloneAsync(QueuedPosting queued, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var caller = Activity.Current;
        Activity.Current = queued.Trace; // the request's own trace: its statements' spans and its events (on to Kafka) carry it
        try
        {
            var step = Stopwatch.GetTimestamp();
            PostingOutcome outcome;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                postings.BoundLockWaits(options.Value.SetLockTimeoutSql());
                outcome = await postings.PostAsync(queued.Request, ct);
                PostingMetrics.Step("lock", ref step);
                if (outcome is PostingOutcome.Posted)
                {
                    return (queued, new PostingAnswer.Answered(outcome, await StoreAndCommitAsync(queued, outcome, ct)));
                }

                await transaction.RollbackAsync(ct);
            }

            await using (await db.Database.BeginTransactionAsync(ct))
            {
                postings.BoundLockWaits(options.Value.SetLockTimeoutSql());
                return (queued, new PostingAnswer.Answered(outcome, await StoreAndCommitAsync(queued, outcome, ct)));
            }
        }
        catch (Exception ex) when (IdempotencyKeyConfiguration.IsTaken(ex))
        {
            return (queued, new PostingAnswer.KeyTaken());
        }
        finally
        {
            Activity.Current = caller;
        }
    }

    /// <summary>Stores the request's answer to <paramref name="outcome"/> with whatever was staged, and commits, in one round trip.</summary>
    private async Task<IdempotencyKey> StoreAndCommitAsync(QueuedPosting queued, PostingOutcome outcome, CancellationToken ct)
    {
        var step = Stopwatch.GetTimestamp();
        var key = queued.Answer(outcome);
        postings.Stage(key);
        await postings.SaveAndCommitAsync(ct);
        PostingMetrics.Step("write", ref step);
        return key;
    }

    /// <summary>Posts the requests that are not replays and commits; replays are answered <see cref="PostingAnswer.KeyTaken"/>.</summary>
    private async Task<List<(QueuedPosting, PostingAnswer)>> TryPostAsync(List<QueuedPosting> pending, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var step = Stopwatch.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var npgsql = (NpgsqlTransaction)transaction.GetDbTransaction();
        var (locked, stored) = await LockAsync(npgsql, pending, ct);
        PostingMetrics.Step("lock", ref step);
        var replayed = pending.Where(q => stored.Contains((q.Request.UserId, q.IdempotencyKey))).ToList();
        var answers = replayed.Select(q => (q, (PostingAnswer)new PostingAnswer.KeyTaken())).ToList();
        if (replayed.Count == pending.Count)
        {
            await transaction.RollbackAsync(ct);
            return answers;
        }

        var now = time.GetUtcNow();
        var rows = new List<HistoricalTransaction>();
        var events = new List<OutboxMessage>();
        var keys = new List<IdempotencyKey>();
        var caller = Activity.Current;
        try
        {
            foreach (var queued in pending.Except(replayed))
            {
                // The request's own trace, so its events carry it on to Kafka.
                Activity.Current = queued.Trace;
                var first = rows.Count;
                var outcome = locked.Post(queued.Request, now, rows);
                events.AddRange(rows.Skip(first).Select(r => Outbox.Event(r, "transaction.committed")));
                var key = queued.Answer(outcome);
                keys.Add(key);
                answers.Add((queued, new PostingAnswer.Answered(outcome, key)));
            }
        }
        finally
        {
            Activity.Current = caller;
        }

        PostingMetrics.Step("post", ref step);
        // The owners' history cache is invalidated by the engine after this commit, off its writer loop (HistoryCacheInvalidation).
        await WriteAndCommitAsync(npgsql, locked, rows, events, [.. keys.OrderBy(k => k.UserId).ThenBy(k => k.Key, StringComparer.Ordinal)], ct);
        PostingMetrics.Step("write", ref step);
        return answers;
    }

    /// <summary>Locks the batch's accounts (opening new ones) and reads what posting needs; returns also the keys already stored.</summary>
    private async Task<(LockedBalances Locked, HashSet<(int, string)> Stored)> LockAsync(NpgsqlTransaction transaction, List<QueuedPosting> pending,
        CancellationToken ct)
    {
        var users = pending.SelectMany(q => q.Request.Accounts()).Distinct().Order().ToArray();
        var payments = pending.Select(q => q.Request).OfType<PostingRequest.Refund>().Select(r => r.PaymentTransactionId).Distinct()
            .Order(StringComparer.Ordinal).ToArray();
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        // A batch waiting on a row a stuck session holds fails after this (55P03) instead of holding its requests forever.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(options.Value.SetLockTimeoutSql()));
        batch.BatchCommands.Add(Command("INSERT INTO accounts (user_id) SELECT u FROM unnest($1) AS u ORDER BY u ON CONFLICT (user_id) DO NOTHING RETURNING user_id", users));
        batch.BatchCommands.Add(Command("""
            SELECT user_id, id, status::text, balance, pending_top_ups, ledger_sequence
              FROM accounts WHERE user_id = ANY($1) ORDER BY user_id FOR UPDATE
            """, users));
        // Read under the locks: a key an earlier batch (of any replica) stored for one of these users has committed by now.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT k.user_id, k.idempotency_key FROM idempotency_keys k
              JOIN unnest($1, $2) AS q(user_id, idempotency_key) ON k.user_id = q.user_id AND k.idempotency_key = q.idempotency_key
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<int[]> { TypedValue = [.. pending.Select(q => q.Request.UserId)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. pending.Select(q => q.IdempotencyKey)] },
            },
        });
        if (payments.Length > 0)
        {
            // Read once the accounts are locked, unlocked themselves: a refund names a payment of its own user, whose account
            // lock this batch holds, so refunds of one payment are judged one after the other. (Only TOPUP rows are ever
            // locked: by settlements after their accounts, SettlementBatch, and alone by a refund's confirmation.)
            batch.BatchCommands.Add(Command("""
                SELECT transaction_id, user_id, type::text, status::text, amount, merchant
                  FROM historical_transactions WHERE transaction_id = ANY($1)
                """, payments));
            batch.BatchCommands.Add(Command("""
                SELECT related_transaction_id, sum(amount) FROM historical_transactions
                 WHERE related_transaction_id = ANY($1) AND type = 'REFUND' AND status = 'SUCCESS' GROUP BY related_transaction_id
                """, payments));
        }

        var locked = new LockedBalances(limits.Value.BalanceCap);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await RowsAsync(reader, ct);
        while (await reader.ReadAsync(ct))
        {
            locked.Opened.Add(reader.GetInt32(0));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            locked.Accounts[reader.GetInt32(0)] = new LockedBalances.AccountState
            {
                UserId = reader.GetInt32(0), Id = reader.GetGuid(1), Status = Enum.Parse<AccountStatus>(reader.GetString(2), ignoreCase: true),
                Balance = reader.GetDecimal(3), PendingTopUps = reader.GetDecimal(4), LedgerSequence = reader.GetInt64(5),
            };
        }

        var stored = new HashSet<(int, string)>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        if (payments.Length > 0)
        {
            await ReadPaymentsAsync(reader, locked, ct);
        }

        return (locked, stored);
    }

    private static async Task ReadPaymentsAsync(NpgsqlDataReader reader, LockedBalances locked, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        await RowsAsync(reader, ct);
        while (await reader.ReadAsync(ct))
        {
            var payment = new HistoricalTransaction
            {
                TransactionId = reader.GetString(0), UserId = reader.GetInt32(1),
                Type = Enum.Parse<TransactionType>(reader.GetString(2), ignoreCase: true),
                Status = Enum.Parse<TransactionStatus>(reader.GetString(3), ignoreCase: true),
                Amount = reader.GetDecimal(4), Merchant = reader.IsDBNull(5) ? null : reader.GetString(5),
            };
            locked.Payments[payment.TransactionId] = new LockedBalances.PaymentState { Payment = payment, Refunded = 0 };
        }

        await reader.NextResultAsync(ct);
        await RowsAsync(reader, ct);
        while (await reader.ReadAsync(ct))
        {
            locked.Payments[reader.GetString(0)].Refunded = reader.GetDecimal(1);
        }
    }

    /// <summary>Writes everything and commits in one round trip; a statement that fails leaves the COMMIT behind it unrun.</summary>
    private async Task WriteAndCommitAsync(NpgsqlTransaction transaction, LockedBalances locked, List<HistoricalTransaction> rows,
        List<OutboxMessage> events, List<IdempotencyKey> keys, CancellationToken ct)
    {
        var changed = locked.Accounts.Values.Where(a => a.Changed).OrderBy(a => a.UserId).ToArray();
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        if (changed.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                UPDATE accounts AS a SET balance = v.balance, ledger_sequence = v.ledger_sequence, updated_at = now()
                  FROM unnest($1, $2, $3) AS v(user_id, balance, ledger_sequence)
                 WHERE a.user_id = v.user_id
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter<int[]> { TypedValue = [.. changed.Select(a => a.UserId)] },
                    new NpgsqlParameter<decimal[]> { TypedValue = [.. changed.Select(a => a.Balance)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric },
                    new NpgsqlParameter<long[]> { TypedValue = [.. changed.Select(a => a.LedgerSequence)] },
                },
            });
            batch.BatchCommands.Add(RowInserts.Command(db, rows));
            batch.BatchCommands.Add(RowInserts.Command(db, events));
        }

        if (locked.Opened.Where(u => !locked.Accounts[u].Changed).Order().ToArray() is { Length: > 0 } unused)
        {
            // Opened only to be locked, for requests that were refused: a refusal leaves nothing (no one else has seen
            // these rows; a session waiting to open the same account opens it once this commits).
            batch.BatchCommands.Add(Command("DELETE FROM accounts WHERE user_id = ANY($1)", unused));
        }

        batch.BatchCommands.Add(RowInserts.Command(db, keys));
        // Postgres would answer a COMMIT of a failed transaction with a rollback, but it never sees this one then: after
        // a failed statement it skips the rest of the batch, and Npgsql throws that statement's error.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>On to the next statement that returns rows, past any that return none (an INSERT without RETURNING).</summary>
    private static async Task RowsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        while (reader.FieldCount == 0 && await reader.NextResultAsync(ct))
        {
        }
    }

    private static NpgsqlBatchCommand Command<T>(string sql, T[] values) => new(sql) { Parameters = { new NpgsqlParameter<T[]> { TypedValue = values } } };
}
