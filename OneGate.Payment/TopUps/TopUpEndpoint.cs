using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Accounts;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Idempotency;
using OneGate.Payment.Ledger;
using OneGate.Payment.Providers;
using OneGate.Payment.Transactions;
using OneGate.ServiceDefaults.Auth;
using OneGate.Snap;

namespace OneGate.Payment.TopUps;

public static class TopUpEndpoint
{
    public static RouteGroupBuilder MapTopUp(this RouteGroupBuilder group)
    {
        group.MapPost("/topup", TopUp)
            .WithName("TopUp")
            .WithSummary("Top up the balance from GoPay or ShopeePay")
            .WithDescription("Requires Idempotency-Key. 201 SUCCESS when the e-wallet confirms at once; 202 PENDING when it confirms " +
                             "later (callback or reconciliation credits it exactly once); 402 PROVIDER_DECLINED (the FAILED transaction " +
                             "is recorded, its id in the problem); 503 PROVIDER_UNAVAILABLE (the top-up stays PENDING and is reconciled; " +
                             "retrying with the same key resumes the same top-up, never a second charge).")
            .Produces<TransactionResponse>(StatusCodes.Status201Created)
            .Produces<TransactionResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<IResult> TopUp(TopUpRequest request, HttpContext http, PaymentDbContext db, IdempotencyKeys keys,
        Ledger.Ledger ledger, EWalletProviders providers, TopUpSettlement settlement, OutboxSignal outbox,
        IOptions<PaymentLimits> limits, TimeProvider time, CancellationToken ct)
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
            var account = await AccountOpening.OpenOrGetAsync(db, proceed.UserId, ct);
            topUp = proceed.ResumeTransactionId is { } resume ? await settlement.FindAsync(resume, ct) : null;
            if (topUp is null)
            {
                if (account.Status != AccountStatus.Active)
                {
                    return await keys.CompleteAsync(proceed, StatusCodes.Status423Locked, MoneyRules.Refused(http, LedgerFailure.AccountNotActive), null, ct);
                }

                if (account.Balance + request.Amount!.Value > ledger.BalanceCap)
                {
                    return await keys.CompleteAsync(proceed, StatusCodes.Status422UnprocessableEntity, MoneyRules.Refused(http, LedgerFailure.BalanceLimitExceeded), null, ct);
                }

                // Recorded (and tied to the key) before the provider is asked: whatever happens next, this
                // top-up is found again by the key, by the callback and by reconciliation — never charged twice.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                topUp = await ledger.RecordPendingTopUpAsync(account, request.Amount.Value, method!.Value, request.Description, ct);
                await keys.AttachTransactionAsync(proceed, topUp.TransactionId, ct);
                await transaction.CommitAsync(ct);
                LedgerMetrics.Committed(topUp);
                outbox.Notify();
                db.ChangeTracker.Clear();
            }

            if (topUp.Status == TransactionStatus.Pending)
            {
                // TODO(lead): persist the external id with the top-up, so a resumed charge resends the same id and bytes.
                var charge = new ProviderCharge(topUp.TransactionId, topUp.Amount, SnapExternalIds.New(time.GetUtcNow()));
                var result = await providers.For(topUp.PaymentMethod!.Value).ChargeAsync(charge, ct);
                topUp = await settlement.ApplyAsync(topUp.TransactionId, result.Outcome, result.Amount, result.ProviderReference, result.FailureReason, ct) ?? topUp;
            }

            return await CompleteAsync(http, keys, proceed, topUp, ct);
        }
        catch (ProviderUnavailableException)
        {
            // Whether the charge exists is unknown: the top-up stays PENDING for reconciliation, and the key is
            // left resumable at once, so a retry with it asks the provider about the same transaction again.
            await keys.ResumableAsync(proceed);
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "PROVIDER_UNAVAILABLE", "Provider unavailable",
                "The e-wallet did not answer. The top-up is pending and will be confirmed or failed automatically; retry with the same Idempotency-Key to see its state.",
                new Dictionary<string, object?> { ["transactionId"] = topUp?.TransactionId });
        }
        catch when (topUp is null)
        {
            db.ChangeTracker.Clear();
            await keys.ReleaseAsync(proceed);
            throw;
        }
    }

    private static Task<IResult> CompleteAsync(HttpContext http, IdempotencyKeys keys, IdempotencyClaim.Proceed claim, HistoricalTransaction topUp, CancellationToken ct) =>
        topUp.Status switch
        {
            TransactionStatus.Success => keys.CompleteAsync(claim, StatusCodes.Status201Created, TransactionResponse.From(topUp), topUp.TransactionId, ct),
            TransactionStatus.Pending => keys.CompleteAsync(claim, StatusCodes.Status202Accepted, TransactionResponse.From(topUp), topUp.TransactionId, ct),
            _ => keys.CompleteAsync(claim, StatusCodes.Status402PaymentRequired,
                MoneyRules.Problem(http, StatusCodes.Status402PaymentRequired, "PROVIDER_DECLINED", "Top-up declined",
                    "The e-wallet declined the payment. Nothing was credited.", new Dictionary<string, object?> { ["transactionId"] = topUp.TransactionId }),
                topUp.TransactionId, ct),
        };
}
