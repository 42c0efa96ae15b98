using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Accounts;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Idempotency;
using OneGate.Payment.Ledger;
using OneGate.Payment.Money;
using OneGate.Payment.Providers;
using OneGate.Payment.Transactions;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.TopUps;

public static class TopUpEndpoint
{
    public static RouteGroupBuilder MapTopUp(this RouteGroupBuilder group)
    {
        group.MapPost("/topup", TopUp)
            .WithName("TopUp")
            .WithSummary("Top up the balance from GoPay or ShopeePay")
            .WithDescription("Requires Idempotency-Key. 201 SUCCESS when the e-wallet confirms at once; 202 PENDING when it confirms later " +
                             "(notification or status inquiry credits it exactly once); 402 PROVIDER_DECLINED only when the e-wallet refused the " +
                             "charge (the FAILED transaction is recorded, its id in the problem); 422 BALANCE_LIMIT_EXCEEDED when the balance plus " +
                             "every PENDING top-up plus this amount would pass the cap (headroom is reserved while a top-up is pending); 423 " +
                             "ACCOUNT_NOT_ACTIVE, also when the account was suspended while the e-wallet was paying (the payment is refunded to " +
                             "the e-wallet, the transaction CANCELLED); 409 TOP_UP_CANCELLED when the e-wallet took money that cannot be credited " +
                             "for another reason (refunded, CANCELLED); 503 PROVIDER_UNAVAILABLE when the e-wallet has given no final answer (the " +
                             "top-up stays PENDING or is resolved later; retrying with the same key resumes the same top-up, never a second charge).")
            .Produces<TransactionResponse>(StatusCodes.Status201Created)
            .Produces<TransactionResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<IResult> TopUp(TopUpRequest request, HttpContext http, PaymentDbContext db, IdempotencyKeys keys,
        Postings ledger, EWalletProviders providers, TopUpSettlement settlement, OutboxSignal outbox,
        IOptions<PaymentLimits> limits, IOptions<ReconciliationOptions> reconciliation, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        MoneyRules.Amount(request.Amount, errors);
        if (!errors.ContainsKey("amount") && (request.Amount < limits.Value.MinTopUp || request.Amount > limits.Value.MaxTopUp))
        {
            errors["amount"] = [$"A top-up is between {limits.Value.MinTopUp:0.00} and {limits.Value.MaxTopUp:0.00} IDR."];
        }

        PaymentMethod? method = request.PaymentMethod switch { "GOPAY" => PaymentMethod.Gopay, "SHOPEE_PAY" => PaymentMethod.ShopeePay, _ => null };
        if (method is null)
        {
            errors["paymentMethod"] = ["GOPAY or SHOPEE_PAY."];
        }

        MoneyRules.Text(request.Description, 255, errors, "description");
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var claim = await keys.ClaimAsync(http, http.User.UserId(), request, ct);
        switch (claim)
        {
            case IdempotencyClaim.Replay replay:
                return IdempotencyKeys.ReplayResult(http, replay);
            case IdempotencyClaim.Rejected rejected:
                return rejected.Problem;
        }

        var proceed = (IdempotencyClaim.Proceed)claim;
        HistoricalTransaction? topUp = null;
        try
        {
            topUp = proceed.ResumeTransactionId is { } resume ? await settlement.FindAsync(resume, ct) : null;
            if (topUp is null)
            {
                var recorded = await RecordAsync(db, keys, ledger, proceed, request, method!.Value, time.GetUtcNow() + reconciliation.Value.PendingFor, ct);
                if (recorded is PostingOutcome.Refused refused)
                {
                    var problem = MoneyProblems.Refused(http, refused);
                    return await keys.CompleteAsync(proceed, problem.Status!.Value, problem, null, ct);
                }

                topUp = ((PostingOutcome.Posted)recorded).Row;

                outbox.Notify();
            }

            if (topUp.Status == TransactionStatus.Pending)
            {
                topUp = await ChargeAsync(db, providers, settlement, topUp, ct);
            }

            return await CompleteAsync(http, keys, proceed, topUp, ct);
        }
        catch (ProviderUnavailableException)
        {
            // Whether the charge exists is unknown: the top-up stays PENDING for reconciliation, and the key is
            // left resumable at once, so a retry with it asks the provider about the same transaction again
            // (same X-EXTERNAL-ID, identical body).
            return await UnresolvedAsync(keys, proceed, topUp?.TransactionId);
        }
        catch when (topUp is null)
        {
            db.ChangeTracker.Clear();
            await keys.ReleaseAsync(proceed);
            throw;
        }
    }

    /// <summary>
    /// Records the PENDING top-up, reserving its cap headroom, and ties it to the idempotency key before the provider
    /// is asked: whatever happens next, it is found again by the key, the notification and reconciliation.
    /// </summary>
    private static async Task<PostingOutcome> RecordAsync(PaymentDbContext db, IdempotencyKeys keys,
        Postings ledger, IdempotencyClaim.Proceed proceed, TopUpRequest request, PaymentMethod method, DateTimeOffset firstInquiryAt,
        CancellationToken ct)
    {
        await AccountOpening.OpenOrGetAsync(db, proceed.UserId, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var outcome = await ledger.RecordPendingTopUpAsync(proceed.UserId, request.Amount!.Value, method, request.Description, firstInquiryAt, ct);
        if (outcome is not PostingOutcome.Posted { Row: var topUp })
        {
            return outcome;
        }

        await keys.AttachTransactionAsync(proceed, topUp.TransactionId, ct);
        await transaction.CommitAsync(ct);
        LedgerMetrics.Committed(topUp);
        db.ChangeTracker.Clear();
        return outcome;
    }

    /// <summary>Service 54 with the persisted <c>X-EXTERNAL-ID</c>; the answer is applied even if our caller has gone meanwhile.</summary>
    private static async Task<HistoricalTransaction> ChargeAsync(PaymentDbContext db, EWalletProviders providers, TopUpSettlement settlement,
        HistoricalTransaction topUp, CancellationToken ct)
    {
        var externalId = await db.TopUpCharges.Where(c => c.TransactionId == topUp.TransactionId).Select(c => c.ExternalId).SingleAsync(ct);
        var result = await providers.For(topUp.PaymentMethod!.Value).ChargeAsync(new ProviderCharge(topUp.TransactionId, topUp.Amount, externalId), ct);
        return await settlement.ApplyAsync(result, CancellationToken.None) ?? topUp;
    }

    private static async Task<IResult> UnresolvedAsync(IdempotencyKeys keys, IdempotencyClaim.Proceed claim, string? transactionId)
    {
        await keys.ResumableAsync(claim);
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "PROVIDER_UNAVAILABLE", "Provider unavailable",
            "The e-wallet has not given a final answer. The top-up is credited if the e-wallet took the money, or refunded to it if it cannot be; " +
            "retry with the same Idempotency-Key to see its state.",
            new Dictionary<string, object?> { ["transactionId"] = transactionId });
    }

    private static Task<IResult> CompleteAsync(HttpContext http, IdempotencyKeys keys, IdempotencyClaim.Proceed claim, HistoricalTransaction topUp, CancellationToken ct) =>
        (topUp.Status, TopUpOutcome.Reason(topUp)) switch
        {
            (TransactionStatus.Success, _) => keys.CompleteAsync(claim, StatusCodes.Status201Created, TransactionResponse.From(topUp), topUp.TransactionId, ct),
            (TransactionStatus.Pending, _) => keys.CompleteAsync(claim, StatusCodes.Status202Accepted, TransactionResponse.From(topUp), topUp.TransactionId, ct),
            // We stopped waiting, but the e-wallet may still report that it took the money: not a decline.
            (TransactionStatus.Failed, Postings.GaveUpReason) => UnresolvedAsync(keys, claim, topUp.TransactionId),
            (TransactionStatus.Failed, _) => Refused(http, keys, claim, topUp, StatusCodes.Status402PaymentRequired, "PROVIDER_DECLINED", "Top-up declined",
                "The e-wallet declined the payment. Nothing was taken and nothing was credited.", ct),
            (TransactionStatus.Cancelled, "ACCOUNT_NOT_ACTIVE") => Refused(http, keys, claim, topUp, StatusCodes.Status423Locked, "ACCOUNT_NOT_ACTIVE",
                "Account not active", "Your account is suspended or closed: the e-wallet payment could not be credited and is refunded to the e-wallet.", ct),
            _ => Refused(http, keys, claim, topUp, StatusCodes.Status409Conflict, "TOP_UP_CANCELLED", "Top-up cancelled",
                "The e-wallet took the payment but it could not be credited; it is refunded to the e-wallet.", ct),
        };

    private static Task<IResult> Refused(HttpContext http, IdempotencyKeys keys, IdempotencyClaim.Proceed claim, HistoricalTransaction topUp, int status,
        string code, string title, string detail, CancellationToken ct) =>
        keys.CompleteAsync(claim, status, MoneyProblems.Problem(http, status, code, title, detail,
            new Dictionary<string, object?> { ["transactionId"] = topUp.TransactionId }), topUp.TransactionId, ct);
}
