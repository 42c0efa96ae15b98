using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Events;

/// <summary>
/// Applies events to the regulators' daily totals exactly once, a batch at a time inside the caller's database
/// transaction: the event ids go into the inbox in the same transaction as the change, so a redelivered event
/// (consumer restart, rebalance, a duplicate within the batch) is skipped. A transaction counted before (e.g.
/// PENDING) is moved to its new (date, type, status, method) total.
/// </summary>
public sealed class ReportProjection(TransactionDbContext db)
{
    /// <summary>Indonesia's Western time (WIB, UTC+7, no daylight saving): the regulators' reporting day.</summary>
    public static readonly TimeSpan ReportingOffset = TimeSpan.FromHours(7);

    public static DateOnly ReportDate(DateTimeOffset createdAt) => DateOnly.FromDateTime(createdAt.ToOffset(ReportingOffset).DateTime);

    /// <summary>
    /// Applies the events in three round trips whatever their number: the inbox insert with the read of the
    /// transactions' previous states, then every changed row and total, then (the caller's) commit. Returns how
    /// many events were new; the others had been applied already.
    /// </summary>
    public async Task<int> ApplyAsync(IReadOnlyList<(TransactionEvent Event, TopicPartitionOffset Position)> events, CancellationToken ct)
    {
        // In partition order, so a top-up's PENDING and SUCCESS in one batch count in the order they happened;
        // the first delivery of an event id is the one recorded (a later copy is a redelivery).
        var ordered = events.OrderBy(e => e.Position.Partition.Value).ThenBy(e => e.Position.Offset.Value)
            .DistinctBy(e => e.Event.EventId).ToList();
        if (ordered.Count == 0)
        {
            return 0;
        }

        var (fresh, rows) = await ClaimAsync(ordered, ct);
        var changed = new Dictionary<string, ReportTransaction>();
        var totals = new Dictionary<(DateOnly Date, string Type, string Status, string Method), (long Count, decimal Amount)>();
        foreach (var (@event, _) in ordered.Where(e => fresh.Contains(e.Event.EventId)))
        {
            var data = @event.Transaction;
            rows.TryGetValue(data.TransactionId, out var previous);

            // An older state arriving late (it cannot within one partition, but be safe) must not undo a newer one.
            if (previous is not null && previous.UpdatedAt > data.UpdatedAt)
            {
                continue;
            }

            if (previous is { IsAccessibleExternal: true })
            {
                Count(totals, previous, -1);
            }

            var current = new ReportTransaction
            {
                TransactionId = data.TransactionId,
                ReportDate = ReportDate(data.CreatedAt),
                Type = data.Type,
                Status = data.Status,
                PaymentMethod = data.PaymentMethod ?? "NONE",
                Amount = data.Amount,
                IsAccessibleExternal = data.IsAccessibleExternal,
                UpdatedAt = data.UpdatedAt.ToUniversalTime(),
            };
            if (current.IsAccessibleExternal)
            {
                Count(totals, current, 1);
            }

            rows[current.TransactionId] = current;
            changed[current.TransactionId] = current;
        }

        if (changed.Count > 0)
        {
            await using var batch = NewBatch();
            batch.BatchCommands.Add(UpsertRows(changed.Values));
            // The totals rows are hot (every transfer of a day hits one) and both replicas write them: one statement
            // per key, always in the same order, last before the commit, so they are held briefly and never deadlock.
            foreach (var (key, delta) in totals.Where(t => t.Value != (0, 0m))
                         .OrderBy(t => t.Key.Date).ThenBy(t => t.Key.Type, StringComparer.Ordinal)
                         .ThenBy(t => t.Key.Status, StringComparer.Ordinal).ThenBy(t => t.Key.Method, StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(AddToTotal(key, delta));
            }

            await batch.ExecuteNonQueryAsync(ct);
        }

        return fresh.Count;
    }

    /// <summary>
    /// Records the events in the inbox (returning the ids that were new) and reads, locked, the last counted
    /// state of their transactions. Both in sorted order, so two consumers that overlap during a rebalance wait
    /// for each other rather than deadlock.
    /// </summary>
    private async Task<(HashSet<Guid> Fresh, Dictionary<string, ReportTransaction> Rows)> ClaimAsync(
        List<(TransactionEvent Event, TopicPartitionOffset Position)> events, CancellationToken ct)
    {
        await using var batch = NewBatch();
        batch.BatchCommands.Add(Inbox.Record([.. events.Select(e => (e.Event.EventId, e.Position))]));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT transaction_id, report_date, type, status, payment_method, amount, is_accessible_external, updated_at
              FROM report_transactions WHERE transaction_id = ANY($1) ORDER BY transaction_id FOR UPDATE
            """)
        {
            Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Event.Transaction.TransactionId).Distinct()] } },
        });

        var fresh = new HashSet<Guid>();
        var rows = new Dictionary<string, ReportTransaction>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            fresh.Add(reader.GetGuid(0));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new ReportTransaction
            {
                TransactionId = reader.GetString(0),
                ReportDate = reader.GetFieldValue<DateOnly>(1),
                Type = reader.GetString(2),
                Status = reader.GetString(3),
                PaymentMethod = reader.GetString(4),
                Amount = reader.GetDecimal(5),
                IsAccessibleExternal = reader.GetBoolean(6),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(7),
            };
            rows[row.TransactionId] = row;
        }

        return (fresh, rows);
    }

    private static NpgsqlBatchCommand UpsertRows(IEnumerable<ReportTransaction> rows)
    {
        var list = rows.ToList();
        return new NpgsqlBatchCommand("""
            INSERT INTO report_transactions (transaction_id, report_date, type, status, payment_method, amount, is_accessible_external, updated_at)
            SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::boolean[], $8::timestamptz[])
             ORDER BY 1
            ON CONFLICT (transaction_id) DO UPDATE SET report_date = EXCLUDED.report_date, type = EXCLUDED.type, status = EXCLUDED.status,
                payment_method = EXCLUDED.payment_method, amount = EXCLUDED.amount, is_accessible_external = EXCLUDED.is_accessible_external,
                updated_at = EXCLUDED.updated_at
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = [.. list.Select(r => r.TransactionId)] },
                new NpgsqlParameter<DateOnly[]> { TypedValue = [.. list.Select(r => r.ReportDate)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. list.Select(r => r.Type)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. list.Select(r => r.Status)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. list.Select(r => r.PaymentMethod)] },
                new NpgsqlParameter<decimal[]> { TypedValue = [.. list.Select(r => r.Amount)] },
                new NpgsqlParameter<bool[]> { TypedValue = [.. list.Select(r => r.IsAccessibleExternal)] },
                new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. list.Select(r => r.UpdatedAt)] },
            },
        };
    }

    private static NpgsqlBatchCommand AddToTotal((DateOnly Date, string Type, string Status, string Method) key, (long Count, decimal Amount) delta)
    {
        var command = new NpgsqlBatchCommand(delta.Count < 0 || delta.Amount < 0
            // A decrease is a plain update (the row exists: what it takes away was counted there): an upsert would
            // check the CHECK (count >= 0) against the negative row it proposes to insert before reaching ON CONFLICT.
            ? """
              UPDATE daily_report_totals SET count = count + $5, amount = amount + $6
               WHERE report_date = $1 AND type = $2 AND status = $3 AND payment_method = $4
              """
            : """
              INSERT INTO daily_report_totals (report_date, type, status, payment_method, count, amount)
              VALUES ($1, $2, $3, $4, $5, $6)
              ON CONFLICT (report_date, type, status, payment_method)
              DO UPDATE SET count = daily_report_totals.count + EXCLUDED.count, amount = daily_report_totals.amount + EXCLUDED.amount
              """);
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = key.Date });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Method });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delta.Count });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = delta.Amount });
        return command;
    }

    private static void Count(Dictionary<(DateOnly, string, string, string), (long Count, decimal Amount)> totals, ReportTransaction row, int sign)
    {
        var key = (row.ReportDate, row.Type, row.Status, row.PaymentMethod);
        var (count, amount) = totals.GetValueOrDefault(key);
        totals[key] = (count + sign, amount + sign * row.Amount);
    }

    /// <summary>A batch on the caller's transaction: the inbox and the effects never commit apart.</summary>
    private NpgsqlBatch NewBatch() =>
        new((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Events are applied only inside the caller's transaction."));
}
