using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Events;

/// <summary>
/// Applies one event to the regulators' daily totals exactly once: the event id goes into the inbox in the
/// same database transaction as the change, so a redelivered event (consumer restart, rebalance) is skipped.
/// A transaction counted before (e.g. PENDING) is moved to its new (date, type, status, method) total.
/// </summary>
public sealed class ReportProjection(TransactionDbContext db)
{
    /// <summary>Indonesia's Western time (WIB, UTC+7, no daylight saving): the regulators' reporting day.</summary>
    public static readonly TimeSpan ReportingOffset = TimeSpan.FromHours(7);

    public static DateOnly ReportDate(DateTimeOffset createdAt) => DateOnly.FromDateTime(createdAt.ToOffset(ReportingOffset).DateTime);

    /// <summary>Returns false when the event had been applied already.</summary>
    public async Task<bool> ApplyAsync(TransactionEvent @event, string topic, int partition, long offset, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var fresh = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO processed_events (event_id, topic, partition, "offset", processed_at)
            VALUES ({@event.EventId}, {topic}, {partition}, {offset}, now()) ON CONFLICT (event_id) DO NOTHING
            """, ct);
        if (fresh == 0)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }

        var data = @event.Transaction;
        var previous = await db.ReportTransactions
            .FromSqlInterpolated($"SELECT * FROM report_transactions WHERE transaction_id = {data.TransactionId} FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(ct);

        // An older state arriving late (it cannot within one partition, but be safe) must not undo a newer one.
        if (previous is null || previous.UpdatedAt <= data.UpdatedAt)
        {
            if (previous is { IsAccessibleExternal: true })
            {
                await AddAsync(previous.ReportDate, previous.Type, previous.Status, previous.PaymentMethod, -1, -previous.Amount, ct);
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
                UpdatedAt = data.UpdatedAt,
            };
            if (current.IsAccessibleExternal)
            {
                await AddAsync(current.ReportDate, current.Type, current.Status, current.PaymentMethod, 1, current.Amount, ct);
            }

            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO report_transactions (transaction_id, report_date, type, status, payment_method, amount, is_accessible_external, updated_at)
                VALUES ({current.TransactionId}, {current.ReportDate}, {current.Type}, {current.Status}, {current.PaymentMethod}, {current.Amount}, {current.IsAccessibleExternal}, {current.UpdatedAt})
                ON CONFLICT (transaction_id) DO UPDATE SET report_date = EXCLUDED.report_date, type = EXCLUDED.type, status = EXCLUDED.status,
                    payment_method = EXCLUDED.payment_method, amount = EXCLUDED.amount, is_accessible_external = EXCLUDED.is_accessible_external,
                    updated_at = EXCLUDED.updated_at
                """, ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }

    private Task<int> AddAsync(DateOnly date, string type, string status, string method, long count, decimal amount, CancellationToken ct) =>
        count < 0
            // A decrement is a plain update: an upsert would check the CHECK (count >= 0) against the negative
            // row it proposes to insert before it ever reaches ON CONFLICT.
            ? db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE daily_report_totals SET count = count + {count}, amount = amount + {amount}
                 WHERE report_date = {date} AND type = {type} AND status = {status} AND payment_method = {method}
                """, ct)
            : db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO daily_report_totals (report_date, type, status, payment_method, count, amount)
                VALUES ({date}, {type}, {status}, {method}, {count}, {amount})
                ON CONFLICT (report_date, type, status, payment_method)
                DO UPDATE SET count = daily_report_totals.count + EXCLUDED.count, amount = daily_report_totals.amount + EXCLUDED.amount
                """, ct);
}
