using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Snap;

namespace OneGate.Payment.Ledger;

// Top-up transitions. PENDING holds cap headroom (accounts.pending_top_ups); every way out of PENDING gives it back.
//   PENDING -> SUCCESS    the provider took the money and we credited it
//   PENDING -> FAILED     the provider did not take it (or we stopped waiting: then it is still asked about)
//   PENDING|FAILED -> CANCELLED   the provider took money we cannot credit: it is refunded (top_up_refunds)
//   FAILED -> SUCCESS     a late success after we stopped waiting, credited if the account can take it
public sealed partial class Postings
{
    /// <summary>The <c>failureReason</c> of a top-up FAILED because the provider gave no final answer in time.</summary>
    public const string GaveUpReason = "NO_ANSWER_FROM_PROVIDER";

    /// <summary>
    /// Records a PENDING top-up and reserves its cap headroom in one conditional update, so concurrent top-ups cannot
    /// both pass the cap check. Also records the charge's <c>X-EXTERNAL-ID</c> and when reconciliation first asks.
    /// </summary>
    public async Task<PostingOutcome> RecordPendingTopUpAsync(int userId, decimal amount, PaymentMethod method,
        string? description, DateTimeOffset firstInquiryAt, CancellationToken ct)
    {
        var account = await db.Accounts.FromSqlInterpolated($"""
            UPDATE accounts SET pending_top_ups = pending_top_ups + {amount}, updated_at = now()
             WHERE user_id = {userId} AND status = 'ACTIVE' AND balance + pending_top_ups + {amount} <= {limits.Value.BalanceCap}
            RETURNING *, xmin
            """).AsNoTracking().AsAsyncEnumerable().SingleOrDefaultAsync(ct);
        if (account is null)
        {
            return new PostingOutcome.Refused(await WhyRefusedAsync(userId, amount, ct));
        }

        var row = LedgerRows.New(account, TransactionType.Topup, TransactionDirection.Credit, amount, movement: null,
            description ?? $"Top-up via {WalletName(method)}", time.GetUtcNow());
        row.Status = TransactionStatus.Pending;
        row.PaymentMethod = method;
        Stage(row);
        staged.Add(new TopUpCharge
        {
            TransactionId = row.TransactionId, ExternalId = SnapExternalIds.New(row.CreatedAt), NextInquiryAt = firstInquiryAt, CreatedAt = row.CreatedAt,
        });
        await SaveAsync(ct);
        return new PostingOutcome.Posted(row);
    }

    /// <summary>
    /// Applies one word to a top-up whose account and then TOPUP row the caller's transaction has locked, in that order
    /// (<see cref="SettlementBatch"/>: the order every batch locks in). Returns the row when the word changed it (saved,
    /// still tracked), null when it changed nothing.
    /// </summary>
    public Task<HistoricalTransaction?> SettleTopUpAsync(HistoricalTransaction locked, TopUpWord word, CancellationToken ct) => word switch
    {
        TopUpWord.Taken taken => SettleTakenTopUpAsync(locked, taken.ProviderReference, taken.Amount, ct),
        TopUpWord.NotTaken notTaken => FailTopUpAsync(locked, notTaken.ProviderReference, notTaken.Reason, ct),
        TopUpWord.GiveUp => GiveUpTopUpAsync(locked, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(word)),
    };

    /// <summary>
    /// The provider says it took <paramref name="taken"/> for this top-up. Credits it exactly once if it is PENDING (or
    /// FAILED because we stopped waiting) and the account can hold it; otherwise, when money was taken that we cannot
    /// credit (account no longer active, another amount than asked), cancels it and schedules the refund. Null when
    /// nothing changed (already SUCCESS or CANCELLED).
    /// </summary>
    private async Task<HistoricalTransaction?> SettleTakenTopUpAsync(HistoricalTransaction row, string? providerReference, decimal taken, CancellationToken ct)
    {
        if (!(row.Status == TransactionStatus.Pending || (row.Status == TransactionStatus.Failed && await StillAskedAboutAsync(row, ct))))
        {
            return null;
        }

        var held = row.Status == TransactionStatus.Pending ? row.Amount : 0m;
        if (taken != row.Amount)
        {
            return await CancelAsync(row, held, taken, "AMOUNT_MISMATCH", providerReference, ct);
        }

        var (moved, refusal) = await MoveAsync(row.UserId, row.Amount, ct, held);
        if (moved is not { Movement: var movement })
        {
            return await CancelAsync(row, held, taken, Label(refusal!.Reason), providerReference, ct);
        }

        row.Status = TransactionStatus.Success;
        row.BalanceBefore = movement.BalanceAfter - row.Amount;
        row.BalanceAfter = movement.BalanceAfter;
        row.LedgerSequence = movement.LedgerSequence;
        return await UpdateAsync(row, providerReference, ct);
    }

    /// <summary>
    /// The provider did not take the money (declined, failed, reversed): a PENDING top-up becomes FAILED and gives its
    /// headroom back; a top-up we had given up on stops being asked about, so no later success can credit it. Null when
    /// the row did not change.
    /// </summary>
    private async Task<HistoricalTransaction?> FailTopUpAsync(HistoricalTransaction row, string? providerReference, string reason, CancellationToken ct)
    {
        if (row.Status != TransactionStatus.Pending)
        {
            if (row.Status == TransactionStatus.Failed)
            {
                await StopAskingAsync(row.TransactionId, ct);
            }

            return null;
        }

        await ReleaseHeadroomAsync(row.UserId, row.Amount, ct);
        await StopAskingAsync(row.TransactionId, ct);
        row.Status = TransactionStatus.Failed;
        row.Metadata = JsonSerializer.Serialize(new { failureReason = reason });
        return await UpdateAsync(row, providerReference, ct);
    }

    /// <summary>
    /// We stop waiting for a provider that has no final answer: FAILED and headroom back, and, in the same transaction,
    /// marked as given up so it is still asked about (a late success is credited or refunded). Null when not PENDING.
    /// </summary>
    private async Task<HistoricalTransaction?> GiveUpTopUpAsync(HistoricalTransaction row, CancellationToken ct)
    {
        if (row.Status != TransactionStatus.Pending)
        {
            return null;
        }

        await ReleaseHeadroomAsync(row.UserId, row.Amount, ct);
        await db.TopUpCharges.Where(c => c.TransactionId == row.TransactionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.GaveUpAt, time.GetUtcNow()), ct);
        row.Status = TransactionStatus.Failed;
        row.Metadata = JsonSerializer.Serialize(new { failureReason = GaveUpReason });
        return await UpdateAsync(row, null, ct);
    }

    /// <summary>
    /// The provider confirmed the refund of a CANCELLED top-up: the row's metadata says so. Null when already recorded.
    /// Recorded too when an operator had resolved it meanwhile (the e-wallet gave the money back after all: the caller
    /// reports it, the resolution note stays). No balance changes: it runs in its own transaction, outside the posting
    /// engine, and locks only the TOPUP row (then reads and updates its refund), never an account.
    /// </summary>
    public async Task<HistoricalTransaction?> RecordTopUpRefundedAsync(string transactionId, string? providerRefundReference, CancellationToken ct)
    {
        var row = await LockTopUpAsync(transactionId, ct);
        var refund = await db.TopUpRefunds.SingleOrDefaultAsync(r => r.TransactionId == transactionId, ct);
        if (row is not { Status: TransactionStatus.Cancelled } || refund is not { Status: TopUpRefund.Pending or TopUpRefund.Resolved })
        {
            return null;
        }

        var now = time.GetUtcNow();
        refund.Status = TopUpRefund.Refunded;
        refund.ProviderRefundReference = providerRefundReference;
        refund.NextAttemptAt = null;
        refund.UpdatedAt = now;
        row.Metadata = CancelledMetadata(refund, OriginalDescription(row.Metadata));
        return await UpdateAsync(row, null, ct);
    }

    private async Task<HistoricalTransaction> CancelAsync(HistoricalTransaction row, decimal held, decimal taken, string reason, string? providerReference,
        CancellationToken ct)
    {
        if (held > 0)
        {
            await ReleaseHeadroomAsync(row.UserId, held, ct);
        }

        var now = time.GetUtcNow();
        var refund = new TopUpRefund
        {
            TransactionId = row.TransactionId, RefundNo = "RF-" + row.TransactionId, ExternalId = SnapExternalIds.New(now), Amount = taken,
            Reason = reason, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        staged.Add(refund);
        row.Status = TransactionStatus.Cancelled;
        row.Metadata = CancelledMetadata(refund, row.Description);
        row.Description = $"Top-up via {WalletName(row.PaymentMethod)} not credited ({reason}); the payment is refunded to {WalletName(row.PaymentMethod)}";
        return await UpdateAsync(row, providerReference, ct);
    }

    private static string CancelledMetadata(TopUpRefund refund, string? originalDescription) => JsonSerializer.Serialize(new
    {
        cancelReason = refund.Reason,
        refund = new
        {
            partnerRefundNo = refund.RefundNo, amount = refund.Amount, status = refund.Status, providerRefundNo = refund.ProviderRefundReference,
        },
        originalDescription,
    });

    private static string? OriginalDescription(string? metadata)
    {
        using var json = JsonDocument.Parse(metadata ?? "{}");
        return json.RootElement.TryGetProperty("originalDescription", out var d) ? d.GetString() : null;
    }

    private async Task<HistoricalTransaction> UpdateAsync(HistoricalTransaction row, string? providerReference, CancellationToken ct)
    {
        if (row.Status is TransactionStatus.Success or TransactionStatus.Cancelled)
        {
            await StopAskingAsync(row.TransactionId, ct);
        }

        row.ExternalReference = string.IsNullOrEmpty(providerReference) ? row.ExternalReference : providerReference;
        row.UpdatedAt = time.GetUtcNow();
        staged.Add(Outbox.Event(row, "transaction.updated"));
        await SaveAsync(ct);
        return row;
    }

    /// <summary>A FAILED top-up may still be credited only while we are asking about it after giving up.</summary>
    private Task<bool> StillAskedAboutAsync(HistoricalTransaction row, CancellationToken ct) =>
        db.TopUpCharges.AnyAsync(c => c.TransactionId == row.TransactionId && c.GaveUpAt != null && c.NextInquiryAt != null, ct);

    /// <summary>The provider's answer is final for us: reconciliation stops asking (same transaction as the change).</summary>
    private Task StopAskingAsync(string transactionId, CancellationToken ct) =>
        db.TopUpCharges.Where(c => c.TransactionId == transactionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextInquiryAt, (DateTimeOffset?)null), ct);

    private Task ReleaseHeadroomAsync(int userId, decimal amount, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE accounts SET pending_top_ups = pending_top_ups - {amount}, updated_at = now() WHERE user_id = {userId}", ct);

    /// <summary>Only for <see cref="RecordTopUpRefundedAsync"/>: the settlements' rows are locked by their batch, after the accounts.</summary>
    private async Task<HistoricalTransaction?> LockTopUpAsync(string transactionId, CancellationToken ct) =>
        await db.HistoricalTransactions
            .FromSqlInterpolated($"SELECT * FROM historical_transactions WHERE transaction_id = {transactionId} AND type = 'TOPUP' FOR UPDATE")
            .SingleOrDefaultAsync(ct);

    private static string WalletName(PaymentMethod? method) => method == PaymentMethod.Gopay ? "GoPay" : "ShopeePay";

    private static string Label(Refusal refusal) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(refusal.ToString());
}
