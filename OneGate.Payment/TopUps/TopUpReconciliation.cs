using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>
/// Asks the providers (SNAP status inquiry) about top-ups that are not final yet — lost notifications, timeouts,
/// crashes — and settles them. Each pass claims the rows that are due, oldest due first, by moving their next
/// inquiry time past a lease (<c>FOR UPDATE SKIP LOCKED</c>): replicas split the work and never ask about one row
/// at once. A row the provider still has no answer for is asked again later with backoff, so rows that stay
/// pending go to the back of the queue instead of blocking newer ones.
/// </summary>
public sealed class TopUpReconciliation(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider time,
    ILogger<TopUpReconciliation> logger) : ClaimedWork<TopUpCharge>(scopes, options, time, logger)
{
    protected override Task<List<TopUpCharge>> ClaimAsync(PaymentDbContext db, DateTimeOffset now, int count, CancellationToken ct) =>
        db.TopUpCharges.FromSqlInterpolated($"""
            UPDATE top_up_charges c SET next_inquiry_at = {now + Options.Lease}, inquiries = c.inquiries + 1
             WHERE c.transaction_id IN (SELECT transaction_id FROM top_up_charges WHERE next_inquiry_at <= {now}
                                         ORDER BY next_inquiry_at LIMIT {count} FOR UPDATE SKIP LOCKED)
            RETURNING c.*
            """).AsNoTracking().ToListAsync(ct);

    /// <summary>
    /// Asks about one top-up and schedules the next inquiry, unless a settlement meanwhile stopped the asking or another
    /// replica claimed the row after the lease ran out (the update matches only the lease this pass claimed).
    /// </summary>
    protected override async Task WorkAsync(IServiceProvider services, TopUpCharge charge, CancellationToken ct)
    {
        var next = await ReconcileAsync(services, charge, ct);
        await services.GetRequiredService<PaymentDbContext>().TopUpCharges
            .Where(c => c.TransactionId == charge.TransactionId && c.NextInquiryAt == charge.NextInquiryAt)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextInquiryAt, next), ct);
    }

    /// <summary>Returns when to ask next (null: the answer is final for us).</summary>
    private async Task<DateTimeOffset?> ReconcileAsync(IServiceProvider services, TopUpCharge charge, CancellationToken ct)
    {
        var settlement = services.GetRequiredService<TopUpSettlement>();
        var topUp = await settlement.FindAsync(charge.TransactionId, ct);
        if (topUp is null || !StillOpen(topUp, charge))
        {
            return null;
        }

        ProviderChargeResult? status;
        try
        {
            status = await services.GetRequiredService<EWalletProviders>().For(topUp.PaymentMethod!.Value)
                .GetStatusAsync(topUp.TransactionId, topUp.ExternalReference, ct);
        }
        catch (ProviderUnavailableException ex)
        {
            logger.LogWarning("Reconciliation of {TransactionId} postponed: {Reason}", topUp.TransactionId, ex.Message);
            return await NoAnswerYetAsync(settlement, topUp, charge, ct);
        }

        if (status is { Outcome: not ProviderOutcome.Pending })
        {
            await settlement.ApplyAsync(status, ct);
            return null;
        }

        return await NoAnswerYetAsync(settlement, topUp, charge, ct);
    }

    /// <summary>No final answer (pending, unknown to the provider, or the provider did not answer): give up or stop asking by age.</summary>
    private async Task<DateTimeOffset?> NoAnswerYetAsync(TopUpSettlement settlement, HistoricalTransaction topUp, TopUpCharge charge, CancellationToken ct)
    {
        var o = Options;
        var age = Time.GetUtcNow() - topUp.CreatedAt;
        if (topUp.Status == TransactionStatus.Pending && age > o.GiveUpAfter)
        {
            await settlement.GiveUpAsync(topUp.TransactionId, ct);
            logger.LogWarning("Top-up {TransactionId}: no final answer from the provider after {Age}; recorded FAILED, still asked about", topUp.TransactionId, age);
            return Later(charge);
        }

        if (age > o.StopAskingAfter)
        {
            logger.LogError("Top-up {TransactionId}: the provider gave no final answer in {Age}; no longer asked, an operator must check it with the provider",
                topUp.TransactionId, age);
            return null;
        }

        return Later(charge);
    }

    /// <summary>PENDING, or FAILED only because we stopped waiting (a late success must still be credited or refunded).</summary>
    private static bool StillOpen(HistoricalTransaction topUp, TopUpCharge charge) =>
        topUp.Status == TransactionStatus.Pending || (topUp.Status == TransactionStatus.Failed && charge.GaveUpAt is not null);

    private DateTimeOffset Later(TopUpCharge charge) => Time.GetUtcNow() + Options.Backoff(charge.Inquiries);
}
