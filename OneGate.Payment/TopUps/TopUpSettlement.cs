using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>
/// Applies a provider's verdict on a PENDING top-up — from the charge response, a callback or
/// reconciliation, whichever comes first; the others find it no longer pending and change nothing.
/// </summary>
public sealed class TopUpSettlement(PaymentDbContext db, Ledger.Ledger ledger, OutboxSignal outbox, ILogger<TopUpSettlement> logger)
{
    /// <summary>Returns the top-up as it stands afterwards.</summary>
    public async Task<HistoricalTransaction?> ApplyAsync(string transactionId, ProviderOutcome outcome, decimal providerAmount,
        string providerReference, string? failureReason, CancellationToken ct)
    {
        if (outcome == ProviderOutcome.Pending)
        {
            return await FindAsync(transactionId, ct);
        }

        HistoricalTransaction? settled;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var pending = await FindAsync(transactionId, ct);
            if (pending is { Status: TransactionStatus.Pending } && pending.Amount != providerAmount)
            {
                // Never credit an amount the provider did not take; leave it for an operator.
                logger.LogError("Provider amount {ProviderAmount} differs from top-up {TransactionId} amount {Amount}; not applied",
                    providerAmount, transactionId, pending.Amount);
                return pending;
            }

            db.ChangeTracker.Clear();
            if (outcome == ProviderOutcome.Succeeded)
            {
                (settled, var failure) = await ledger.ConfirmTopUpAsync(transactionId, providerReference, ct);
                if (settled is null && failure != Ledger.LedgerFailure.None)
                {
                    // The provider took the money but the wallet cannot hold it now (cap reached or account suspended
                    // since the request): record the top-up FAILED so nothing is credited, and log for a provider refund.
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    await using var failTx = await db.Database.BeginTransactionAsync(ct);
                    settled = await ledger.FailTopUpAsync(transactionId, providerReference, failure.ToString(), ct);
                    await failTx.CommitAsync(ct);
                    Count(settled);
                    logger.LogError("Top-up {TransactionId} paid at the provider could not be credited ({Failure}); needs a provider refund", transactionId, failure);
                    outbox.Notify();
                    return await FindAsync(transactionId, ct);
                }
            }
            else
            {
                settled = await ledger.FailTopUpAsync(transactionId, providerReference, failureReason ?? "DECLINED", ct);
            }

            await transaction.CommitAsync(ct);
        }

        Count(settled);
        outbox.Notify();
        db.ChangeTracker.Clear();
        return await FindAsync(transactionId, ct);
    }

    /// <summary>
    /// Applies a verified provider answer (a notification) to the top-up made through <paramref name="method"/>;
    /// null when there is none (a provider only speaks for its own top-ups).
    /// </summary>
    public async Task<HistoricalTransaction?> ApplyAsync(ProviderChargeResult result, PaymentMethod method, CancellationToken ct)
    {
        var existing = await FindAsync(result.TransactionId, ct);
        return existing?.PaymentMethod != method
            ? null
            : await ApplyAsync(result.TransactionId, result.Outcome, result.Amount, result.ProviderReference, result.FailureReason, ct);
    }

    /// <summary>Only the call that settled the top-up counts it (the others found it no longer pending).</summary>
    private static void Count(HistoricalTransaction? settled)
    {
        if (settled is not null)
        {
            Ledger.LedgerMetrics.Committed(settled);
        }
    }

    public Task<HistoricalTransaction?> FindAsync(string transactionId, CancellationToken ct) =>
        db.HistoricalTransactions.AsNoTracking().SingleOrDefaultAsync(t => t.TransactionId == transactionId && t.Type == TransactionType.Topup, ct);
}
