using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
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
/// Runs a money-moving request (pay, transfer, refund): the movement and its answer stored under the caller's
/// Idempotency-Key commit in one database transaction — three round trips for a transfer: the balance batch (with
/// the deferred BEGIN), one batch inserting the history rows, outbox events and key, and the commit. A refusal rolls
/// the movement back and is stored alone (a retry gets the same answer). When the key turns out to be taken,
/// nothing of this attempt remains and the stored answer decides (replay, 422, 409); an exception leaves nothing
/// behind either.
/// </summary>
public sealed class MoneyRequests(PaymentDbContext db, Ledger ledger, IdempotencyKeys keys, OutboxSignal outbox)
{
    /// <summary>The idempotency rules of these endpoints, for their OpenAPI descriptions.</summary>
    public const string IdempotencyRules = "Requires Idempotency-Key: a retry with it replays the first answer (Idempotent-Replayed: true); " +
                                           "a concurrent request with it waits for the first and replays it (bodies compare by JSON value: key order, " +
                                           "whitespace and number form such as 100 or 100.00 do not count); another body with it is " +
                                           "422 IDEMPOTENCY_KEY_REUSED. ";

    public async Task<IResult> ExecuteAsync(HttpContext http, object request,
        Func<int, CancellationToken, Task<MoneyOutcome>> move, CancellationToken ct)
    {
        var (idempotent, problem) = keys.Read(http, http.User.UserId(), request);
        if (idempotent is null)
        {
            return problem!.Problem;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (await RunAsync(idempotent, move, ct) is { } answer)
                {
                    return answer;
                }
            }
            finally
            {
                db.ChangeTracker.Clear();
            }

            switch (await keys.AnswerAsync(idempotent, ct))
            {
                case IdempotencyClaim.Replay replay:
                    return IdempotencyKeys.ReplayResult(http, replay);
                case IdempotencyClaim.Rejected rejected:
                    return rejected.Problem;
            }

            // The key was gone again (expired meanwhile): run once more.
        }

        throw new InvalidOperationException("Idempotency key could not be stored");
    }

    /// <summary>The answer, or null when the key was stored by another request first (this attempt left nothing).</summary>
    private async Task<IResult?> RunAsync(IdempotentRequest idempotent, Func<int, CancellationToken, Task<MoneyOutcome>> move, CancellationToken ct)
    {
        MoneyOutcome outcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            outcome = await move(idempotent.UserId, ct);
            if (outcome.Row is { } row)
            {
                var (answer, key) = keys.Completed(idempotent, StatusCodes.Status201Created, TransactionResponse.From(row), row.TransactionId);
                ledger.Stage(key);
                if (!await TrySaveAsync(ct))
                {
                    return null; // disposing the transaction rolls the movement back
                }

                await transaction.CommitAsync(ct);
                LedgerMetrics.Committed(row);
                outbox.Notify();
                return answer;
            }

            await transaction.RollbackAsync(ct);
        }

        db.ChangeTracker.Clear();
        var (refusal, refusalKey) = keys.Completed(idempotent, outcome.Refusal!.Status!.Value, outcome.Refusal, null);
        ledger.Stage(refusalKey);
        return await TrySaveAsync(ct) ? refusal : null;
    }

    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await ledger.SaveAsync(ct);
            return true;
        }
        catch (Exception ex) when (IdempotencyKeys.IsTaken(ex))
        {
            return false;
        }
    }
}
