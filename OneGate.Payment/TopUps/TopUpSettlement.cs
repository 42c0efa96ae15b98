using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>
/// Applies a provider's word on a top-up — from the charge answer, a notification or a status inquiry, in any order
/// and any number of times — each in its own database transaction. Money the provider took is always either
/// credited or refunded (CANCELLED); the rules are the ledger's, this class only runs them and tells the others.
/// </summary>
public sealed class TopUpSettlement(PaymentDbContext db, Ledger.Postings ledger, OutboxSignal outbox, ILogger<TopUpSettlement> logger)
{
    /// <summary>Returns the top-up as it stands afterwards (null: no such top-up).</summary>
    public async Task<HistoricalTransaction?> ApplyAsync(ProviderChargeResult result, CancellationToken ct)
    {
        var changed = result.Outcome switch
        {
            ProviderOutcome.Succeeded => await InTransactionAsync(() => ledger.SettleTakenTopUpAsync(result.TransactionId, result.ProviderReference, result.Amount, ct), ct),
            ProviderOutcome.Declined => await InTransactionAsync(() => ledger.FailTopUpAsync(result.TransactionId, result.ProviderReference, result.FailureReason ?? "DECLINED", ct), ct),
            ProviderOutcome.Refunded => await InTransactionAsync(() => ledger.FailTopUpAsync(result.TransactionId, result.ProviderReference, "REFUNDED_AT_PROVIDER", ct), ct),
            _ => null,
        };
        if (changed is not null)
        {
            Announce(changed);
        }

        var now = await FindAsync(result.TransactionId, ct);
        WarnIfContradicted(now, changed, result);
        return now;
    }

    /// <summary>A notification: applied only to a top-up made through the provider that signed it; null when there is none.</summary>
    public async Task<HistoricalTransaction?> ApplyAsync(ProviderChargeResult result, PaymentMethod method, CancellationToken ct)
    {
        var existing = await FindAsync(result.TransactionId, ct);
        return existing?.PaymentMethod == method ? await ApplyAsync(result, ct) : null;
    }

    /// <summary>We stop waiting for the provider: FAILED now, still asked about later (a late success is credited or refunded).</summary>
    public async Task<HistoricalTransaction?> GiveUpAsync(string transactionId, CancellationToken ct)
    {
        var changed = await InTransactionAsync(() => ledger.GiveUpTopUpAsync(transactionId, ct), ct);
        if (changed is not null)
        {
            Announce(changed);
        }

        return changed;
    }

    /// <summary>The provider confirmed the refund of a CANCELLED top-up.</summary>
    public async Task RecordRefundedAsync(string transactionId, string? providerRefundReference, CancellationToken ct)
    {
        if (await InTransactionAsync(() => ledger.RecordTopUpRefundedAsync(transactionId, providerRefundReference, ct), ct) is { } row)
        {
            outbox.Notify();
            logger.LogInformation("Top-up {TransactionId}: refund confirmed by the provider", row.TransactionId);
            if (await db.TopUpRefunds.AsNoTracking().AnyAsync(r => r.TransactionId == transactionId && r.ResolutionNote != null, ct))
            {
                logger.LogError("Top-up {TransactionId}: the e-wallet refunded it after an operator had resolved it: check whether the user was paid twice",
                    row.TransactionId);
            }
        }
    }

    public Task<HistoricalTransaction?> FindAsync(string transactionId, CancellationToken ct) =>
        db.HistoricalTransactions.AsNoTracking().SingleOrDefaultAsync(t => t.TransactionId == transactionId && t.Type == TransactionType.Topup, ct);

    private async Task<HistoricalTransaction?> InTransactionAsync(Func<Task<HistoricalTransaction?>> change, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await change();
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return changed;
    }

    /// <summary>
    /// A final word from the provider that contradicts a final top-up (money reversed after we credited it, a success
    /// after it declined, another amount) changes nothing automatically: an operator must look at it.
    /// </summary>
    private void WarnIfContradicted(HistoricalTransaction? topUp, HistoricalTransaction? changed, ProviderChargeResult result)
    {
        var contradicts = topUp is not null && changed is null && result.Outcome != ProviderOutcome.Pending && (topUp.Status, result.Outcome) switch
        {
            (TransactionStatus.Success, ProviderOutcome.Succeeded) => result.Amount != topUp.Amount,
            (TransactionStatus.Success, _) => true,
            (TransactionStatus.Failed, ProviderOutcome.Succeeded) => true,
            _ => false,
        };
        if (contradicts)
        {
            Ledger.LedgerMetrics.ProviderContradiction(topUp!.PaymentMethod);
            logger.LogError("Top-up {TransactionId} is {Status} but the provider now says {Outcome} ({RawStatus}, {Amount} IDR); not applied, an operator must check it",
                topUp.TransactionId, topUp.Status, result.Outcome, result.RawStatus, result.Amount);
        }
    }

    /// <summary>Only the call that changed the top-up counts it and wakes the relay (the others found nothing to do).</summary>
    private void Announce(HistoricalTransaction row)
    {
        Ledger.LedgerMetrics.Committed(row);
        outbox.Notify();
        if (row.Status == TransactionStatus.Cancelled)
        {
            logger.LogWarning("Top-up {TransactionId}: the provider took money that could not be credited; refund scheduled ({Metadata})",
                row.TransactionId, row.Metadata);
        }
    }
}
