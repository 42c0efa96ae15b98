using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.TopUps;

/// <summary>
/// The operators' view of money being given back to e-wallets (<see cref="TopUpRefunds"/> does the giving): list the
/// PENDING refunds (or only those failing for <see cref="ReconciliationOptions.RefundAttemptsBeforeAlert"/> attempts
/// and more), make one due now, or mark it resolved with a note when it was settled outside the system. Actions run
/// in the caller's transaction with the row locked, so they never cross a refund attempt's own update. The worker
/// calls the e-wallet outside any lock, so an attempt made less than a lease ago may still be refunded: resolving
/// is refused until that lease has passed (a refund confirmed after a resolve is still recorded, and logged as an
/// error: see <see cref="TopUpSettlement.RecordRefundedAsync"/>).
/// </summary>
public sealed class StrandedRefunds(PaymentDbContext db, IOptions<ReconciliationOptions> options, TimeProvider time)
{
    public async Task<List<StrandedRefund>> ListAsync(bool failingOnly, int limit, CancellationToken ct)
    {
        var minimumAttempts = failingOnly ? options.Value.RefundAttemptsBeforeAlert : 0;
        // Ordered and cut before the projection (EF cannot order by a member of a constructed record), sorted again
        // here because a join does not promise its subquery's order.
        var oldest = db.TopUpRefunds.Where(r => r.Status == TopUpRefund.Pending && r.Attempts >= minimumAttempts).OrderBy(r => r.CreatedAt).Take(limit);
        return [.. (await Joined(oldest).ToListAsync(ct)).OrderBy(r => r.CreatedAt)];
    }

    /// <summary>Due now: the next pass of the refund worker attempts it (same refund number and body: safe to repeat).</summary>
    public Task<StrandedRefundOutcome> RetryNowAsync(string transactionId, CancellationToken ct) =>
        ChangeAsync(transactionId, refund => refund.NextAttemptAt = time.GetUtcNow(), ct, mayResolve: false);

    /// <summary>No more attempts: an operator settled it otherwise (<paramref name="note"/> says how).</summary>
    public Task<StrandedRefundOutcome> ResolveAsync(string transactionId, string note, CancellationToken ct) =>
        ChangeAsync(transactionId, refund =>
        {
            refund.Status = TopUpRefund.Resolved;
            refund.NextAttemptAt = null;
            refund.ResolutionNote = note;
        }, ct, mayResolve: true);

    private async Task<StrandedRefundOutcome> ChangeAsync(string transactionId, Action<TopUpRefund> change, CancellationToken ct, bool mayResolve)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An operator's action runs in the caller's transaction, with its audit event.");
        }

        var refund = await db.TopUpRefunds.FromSqlInterpolated($"SELECT * FROM top_up_refunds WHERE transaction_id = {transactionId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (refund is null)
        {
            return new StrandedRefundOutcome.NotFound();
        }

        var before = await Joined(db.TopUpRefunds.AsNoTracking().Where(r => r.TransactionId == transactionId)).SingleAsync(ct);
        if (refund.Status != TopUpRefund.Pending)
        {
            return new StrandedRefundOutcome.NotPending(before);
        }

        // Every attempt (its claim, its result, an operator's retry) updates the row: within a lease of that, an
        // attempt may be in flight at the e-wallet.
        var quietFrom = refund.UpdatedAt + options.Value.Lease;
        if (mayResolve && refund.Attempts > 0 && quietFrom > time.GetUtcNow())
        {
            return new StrandedRefundOutcome.AttemptInFlight(before, quietFrom);
        }

        change(refund);
        refund.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new StrandedRefundOutcome.Changed(before, before with
        {
            Status = refund.Status, NextAttemptAt = refund.NextAttemptAt, ResolutionNote = refund.ResolutionNote, UpdatedAt = refund.UpdatedAt,
        });
    }

    private IQueryable<StrandedRefund> Joined(IQueryable<TopUpRefund> refunds) =>
        from r in refunds
        join t in db.HistoricalTransactions on r.TransactionId equals t.TransactionId
        where t.Type == TransactionType.Topup
        select new StrandedRefund(r.TransactionId, t.UserId, t.PaymentMethod, r.Amount, r.Reason, r.Status, r.Attempts, r.NextAttemptAt,
            r.LastError, r.ResolutionNote, r.CreatedAt, r.UpdatedAt);
}
