using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>
/// Applies a provider's word on a top-up — from the charge answer, a notification or a status inquiry, in any order
/// and any number of times — through the posting engine, which posts it in a batch with the other words it gathered
/// (<see cref="Ledger.SettlementBatch"/>). Money the provider took is always either credited or refunded (CANCELLED); the rules
/// are the ledger's, this class only hands them the word and tells the others. A word the engine cannot post now fails
/// with a <see cref="TimeoutException"/> (full queue, stopping, a row lock held too long), like a database failure:
/// nothing of it was applied and it may be given again.
/// </summary>
public sealed class TopUpSettlement(PaymentDbContext db, Ledger.Postings ledger, Ledger.PostingEngine engine, OutboxSignal outbox,
    ILogger<TopUpSettlement> logger)
{
    /// <summary>Returns the top-up as it stands afterwards (null: no such top-up).</summary>
    public async Task<HistoricalTransaction?> ApplyAsync(ProviderChargeResult result, CancellationToken ct) =>
        await FindAsync(result.TransactionId, ct) is { } topUp ? await ApplyAsync(topUp, result, ct) : null;

    /// <summary>A notification: applied only to a top-up made through the provider that signed it; null when there is none.</summary>
    public async Task<HistoricalTransaction?> ApplyAsync(ProviderChargeResult result, PaymentMethod method, CancellationToken ct)
    {
        var existing = await FindAsync(result.TransactionId, ct);
        return existing?.PaymentMethod == method ? await ApplyAsync(existing, result, ct) : null;
    }

    /// <summary>We stop waiting for the provider: FAILED now, still asked about later (a late success is credited or refunded).</summary>
    public async Task<HistoricalTransaction?> GiveUpAsync(string transactionId, CancellationToken ct)
    {
        var changed = await FindAsync(transactionId, ct) is { } topUp ? await engine.SettleAsync(topUp.UserId, new Ledger.TopUpWord.GiveUp(transactionId), ct) : null;
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

    /// <param name="topUp">As read before, unlocked: its owner, never changing, is the account the engine locks first.</param>
    private async Task<HistoricalTransaction?> ApplyAsync(HistoricalTransaction topUp, ProviderChargeResult result, CancellationToken ct)
    {
        Ledger.TopUpWord? word = result.Outcome switch
        {
            ProviderOutcome.Succeeded => new Ledger.TopUpWord.Taken(result.TransactionId, result.ProviderReference, result.Amount),
            ProviderOutcome.Declined => new Ledger.TopUpWord.NotTaken(result.TransactionId, result.ProviderReference, result.FailureReason ?? "DECLINED"),
            ProviderOutcome.Refunded => new Ledger.TopUpWord.NotTaken(result.TransactionId, result.ProviderReference, "REFUNDED_AT_PROVIDER"),
            _ => null,
        };
        var changed = word is null ? null : await engine.SettleAsync(topUp.UserId, word, ct);
        if (changed is not null)
        {
            Announce(changed);
        }

        var now = await FindAsync(result.TransactionId, ct);
        WarnIfContradicted(now, changed, result);
        return now;
    }

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
