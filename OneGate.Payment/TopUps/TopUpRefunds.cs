using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>
/// Gives back money an e-wallet took for top-ups we could not credit (CANCELLED): SNAP refund (service 58), the same
/// <c>partnerRefundNo</c>, <c>X-EXTERNAL-ID</c> and body on every attempt, retried with backoff until the provider
/// confirms. Claims due rows like <see cref="TopUpReconciliation"/>. A refund that keeps failing is never silent:
/// every failure counts in <c>onegate.payment.topup_refund_failures</c>, and from
/// <see cref="ReconciliationOptions.RefundAttemptsBeforeAlert"/> attempts on each failure is logged as an error;
/// the row (<c>top_up_refunds</c>, status PENDING) is what an operator lists (docs/topups.md).
/// </summary>
public sealed class TopUpRefunds(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider time,
    ILogger<TopUpRefunds> logger) : ClaimedWork<TopUpRefund>(scopes, options, time, logger)
{
    private static readonly Meter Meter = new(Ledger.LedgerMetrics.MeterName);

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("onegate.payment.topup_refund_failures", unit: "{attempt}",
        description: "Refund attempts of CANCELLED top-ups that the provider did not confirm");

    protected override Task<List<TopUpRefund>> ClaimAsync(PaymentDbContext db, DateTimeOffset now, int count, CancellationToken ct) =>
        db.TopUpRefunds.FromSqlInterpolated($"""
            UPDATE top_up_refunds r SET next_attempt_at = {now + Options.Lease}, attempts = r.attempts + 1, updated_at = {now}
             WHERE r.transaction_id IN (SELECT transaction_id FROM top_up_refunds WHERE status = 'PENDING' AND next_attempt_at <= {now}
                                         ORDER BY next_attempt_at LIMIT {count} FOR UPDATE SKIP LOCKED)
            RETURNING r.*
            """).AsNoTracking().ToListAsync(ct);

    protected override async Task WorkAsync(IServiceProvider services, TopUpRefund refund, CancellationToken ct)
    {
        var error = await AttemptAsync(services, refund, ct);
        if (error is not null)
        {
            await ScheduleRetryAsync(services.GetRequiredService<PaymentDbContext>(), refund, error, ct);
        }
    }

    /// <summary>One attempt; returns why it failed, or null when the provider confirmed (and that is recorded).</summary>
    private static async Task<string?> AttemptAsync(IServiceProvider services, TopUpRefund refund, CancellationToken ct)
    {
        var settlement = services.GetRequiredService<TopUpSettlement>();
        var topUp = await settlement.FindAsync(refund.TransactionId, ct);
        if (topUp?.PaymentMethod is not { } method)
        {
            return "the top-up row is missing";
        }

        try
        {
            var result = await services.GetRequiredService<EWalletProviders>().For(method).RefundAsync(
                new ProviderRefund(refund.TransactionId, topUp.ExternalReference, refund.RefundNo, refund.ExternalId, refund.Amount, refund.Reason), ct);
            if (!result.Refunded && !await ReversedAtProviderAsync(services, method, topUp, ct))
            {
                return $"refused by the provider ({result.ResponseCode})";
            }

            await settlement.RecordRefundedAsync(refund.TransactionId, result.RefundReference, ct);
            return null;
        }
        catch (ProviderUnavailableException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>A refused refund may be moot: the provider may have reversed the charge itself (status 04).</summary>
    private static async Task<bool> ReversedAtProviderAsync(IServiceProvider services, PaymentMethod method, HistoricalTransaction topUp, CancellationToken ct)
    {
        var status = await services.GetRequiredService<EWalletProviders>().For(method).GetStatusAsync(topUp.TransactionId, topUp.ExternalReference, ct);
        return status is { Outcome: ProviderOutcome.Refunded };
    }

    private async Task ScheduleRetryAsync(PaymentDbContext db, TopUpRefund refund, string error, CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        Failures.Add(1);
        if (refund.Attempts >= Options.RefundAttemptsBeforeAlert)
        {
            logger.LogError("Refund {RefundNo} of top-up {TransactionId} ({Amount} IDR) still not confirmed after {Attempts} attempts: {Error}",
                refund.RefundNo, refund.TransactionId, refund.Amount, refund.Attempts, error);
        }
        else
        {
            logger.LogWarning("Refund {RefundNo} of top-up {TransactionId} attempt {Attempts} failed: {Error}", refund.RefundNo, refund.TransactionId, refund.Attempts, error);
        }

        var message = error.Length > 500 ? error[..500] : error;
        await db.TopUpRefunds.Where(r => r.TransactionId == refund.TransactionId && r.Status == TopUpRefund.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextAttemptAt, now + Options.Backoff(refund.Attempts))
                .SetProperty(r => r.LastError, message).SetProperty(r => r.UpdatedAt, now), ct);
    }
}
