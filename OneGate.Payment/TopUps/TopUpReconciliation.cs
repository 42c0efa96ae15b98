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
    private sealed record Next(DateTimeOffset? At, DateTimeOffset? GaveUpAt = null);

    protected override Task<List<TopUpCharge>> ClaimAsync(PaymentDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.TopUpCharges.FromSqlInterpolated($"""
            UPDATE top_up_charges c SET next_inquiry_at = {now + Options.Lease}, inquiries = c.inquiries + 1
             WHERE c.transaction_id IN (SELECT transaction_id FROM top_up_charges WHERE next_inquiry_at <= {now}
                                         ORDER BY next_inquiry_at LIMIT {Options.BatchSize} FOR UPDATE SKIP LOCKED)
            RETURNING c.*
            """).AsNoTracking().ToListAsync(ct);

    protected override async Task WorkAsync(IServiceProvider services, TopUpCharge charge, CancellationToken ct)
    {
        var next = await ReconcileAsync(services, charge, ct);
        await services.GetRequiredService<PaymentDbContext>().TopUpCharges
            .Where(c => c.TransactionId == charge.TransactionId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextInquiryAt, next.At).SetProperty(c => c.GaveUpAt, next.GaveUpAt ?? charge.GaveUpAt), ct);
    }

    private async Task<Next> ReconcileAsync(IServiceProvider services, TopUpCharge charge, CancellationToken ct)
    {
        var settlement = services.GetRequiredService<TopUpSettlement>();
        var topUp = await settlement.FindAsync(charge.TransactionId, ct);
        if (topUp is null || !StillOpen(topUp, charge))
        {
            return new Next(null);
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
            return Later(charge);
        }

        if (status is { Outcome: not ProviderOutcome.Pending })
        {
            await settlement.ApplyAsync(status, ct);
            return new Next(null);
        }

        return await NoAnswerYetAsync(settlement, topUp, charge, ct);
    }

    /// <summary>The provider has no final answer (pending, or it never heard of the charge).</summary>
    private async Task<Next> NoAnswerYetAsync(TopUpSettlement settlement, HistoricalTransaction topUp, TopUpCharge charge, CancellationToken ct)
    {
        var o = Options;
        var age = Time.GetUtcNow() - topUp.CreatedAt;
        if (topUp.Status == TransactionStatus.Pending && age > o.GiveUpAfter)
        {
            await settlement.GiveUpAsync(topUp.TransactionId, ct);
            logger.LogWarning("Top-up {TransactionId}: no final answer from the provider after {Age}; recorded FAILED, still asked about", topUp.TransactionId, age);
            return Later(charge) with { GaveUpAt = Time.GetUtcNow() };
        }

        if (age > o.StopAskingAfter)
        {
            logger.LogError("Top-up {TransactionId}: the provider gave no final answer in {Age}; no longer asked, an operator must check it with the provider",
                topUp.TransactionId, age);
            return new Next(null);
        }

        return Later(charge);
    }

    /// <summary>PENDING, or FAILED only because we stopped waiting (a late success must still be credited or refunded).</summary>
    private static bool StillOpen(HistoricalTransaction topUp, TopUpCharge charge) =>
        topUp.Status == TransactionStatus.Pending || (topUp.Status == TransactionStatus.Failed && charge.GaveUpAt is not null);

    private Next Later(TopUpCharge charge) => new(Time.GetUtcNow() + Options.Backoff(charge.Inquiries));
}
