using Microsoft.AspNetCore.Mvc;
using OneGate.Payment.Accounts;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Idempotency;
using OneGate.Payment.Transactions;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Ledger;

/// <summary>The result of one money request: the caller's transaction, or a refusal that changed nothing.</summary>
public sealed record MoneyOutcome(HistoricalTransaction? Row, ProblemDetails? Refusal)
{
    public static MoneyOutcome Done(HistoricalTransaction row) => new(row, null);

    public static MoneyOutcome Refused(ProblemDetails problem) => new(null, problem);
}

/// <summary>
/// Runs a money-moving request: claims its Idempotency-Key, opens the caller's account, runs the movement
/// in one database transaction and stores the response with it. A refusal rolls the movement back and is
/// stored too (a retry gets the same answer); an exception frees the key so a retry can run.
/// </summary>
public sealed class MoneyRequests(PaymentDbContext db, IdempotencyKeys keys, OutboxSignal outbox)
{
    public async Task<IResult> ExecuteAsync(HttpContext http, object request,
        Func<Account, CancellationToken, Task<MoneyOutcome>> move, CancellationToken ct)
    {
        var claim = await keys.ClaimAsync(http, http.User.UserId(), request, ct);
        if (claim is IdempotencyClaim.Replay replay)
        {
            return IdempotencyKeys.ReplayResult(http, replay);
        }

        if (claim is IdempotencyClaim.Rejected rejected)
        {
            return rejected.Problem;
        }

        var proceed = (IdempotencyClaim.Proceed)claim;
        try
        {
            var account = await AccountOpening.OpenOrGetAsync(db, proceed.UserId, ct);
            MoneyOutcome outcome;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                outcome = await move(account, ct);
                if (outcome.Row is { } row)
                {
                    var result = await keys.CompleteAsync(proceed, StatusCodes.Status201Created, TransactionResponse.From(row), row.TransactionId, ct);
                    await transaction.CommitAsync(ct);
                    LedgerMetrics.Committed(row);
                    outbox.Notify();
                    return result;
                }

                await transaction.RollbackAsync(ct);
            }

            db.ChangeTracker.Clear();
            return await keys.CompleteAsync(proceed, outcome.Refusal!.Status!.Value, outcome.Refusal, null, ct);
        }
        catch
        {
            db.ChangeTracker.Clear();
            await keys.ReleaseAsync(proceed);
            throw;
        }
    }
}
