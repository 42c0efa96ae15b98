using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.Idempotency;
using OneGate.Payment.Ledger;
using OneGate.Payment.Transactions;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Money;

/// <summary>
/// Runs a money-moving request (pay, transfer, refund): the movement and its answer stored under the caller's
/// Idempotency-Key commit in one database transaction — three round trips for a transfer: the balance batch (with
/// the deferred BEGIN), one batch inserting the history rows, outbox events and key, and the commit. A refusal rolls
/// the movement back and is stored alone (a retry gets the same answer). When the key turns out to be taken,
/// nothing of this attempt remains and the stored answer decides (replay, 422, 409); an exception leaves nothing
/// behind either. With <see cref="PostingOptions.Batched"/> (the default) the request is posted by the
/// <see cref="PostingEngine"/> instead, in a batch with others, with the same answers.
/// </summary>
public sealed class MoneyRequests(PaymentDbContext db, Postings ledger, PostingEngine engine, IOptions<PostingOptions> options, IdempotencyKeys keys,
    OutboxSignal outbox)
{
    /// <summary>The idempotency rules of these endpoints, for their OpenAPI descriptions.</summary>
    public const string IdempotencyRules = "Requires Idempotency-Key: a retry with it replays the first answer (Idempotent-Replayed: true); " +
                                           "a concurrent request with it waits for the first and replays it (bodies compare by JSON value: key order, " +
                                           "whitespace and number form such as 100 or 100.00 do not count); another body with it is " +
                                           "422 IDEMPOTENCY_KEY_REUSED. ";

    /// <param name="describe">The request to post for the caller's user id (a transfer looks its recipient up here).</param>
    public async Task<IResult> ExecuteAsync(HttpContext http, object request, Func<int, CancellationToken, Task<PostingRequest>> describe, CancellationToken ct)
    {
        var (idempotent, problem) = keys.Read(http, http.User.UserId(), request);
        if (idempotent is null)
        {
            return problem!.Problem;
        }

        var posting = await describe(idempotent.UserId, ct);
        var traceId = MoneyProblems.TraceId(http);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                var answer = options.Value.Batched
                    ? await engine.PostAsync(posting, idempotent.Key, outcome => Stored(idempotent, traceId, outcome), ct) switch
                    {
                        PostingAnswer.Answered answered => IdempotencyKeys.Result(answered.Stored),
                        _ => null,
                    }
                    : await RunAsync(idempotent, traceId, posting, ct);
                if (answer is not null)
                {
                    PostingMetrics.Answered(Stopwatch.GetElapsedTime(started), options.Value.Batched);
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
    private async Task<IResult?> RunAsync(IdempotentRequest idempotent, string traceId, PostingRequest posting, CancellationToken ct)
    {
        PostingOutcome outcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            outcome = await ledger.PostAsync(posting, ct);
            if (outcome is PostingOutcome.Posted { Row: var row })
            {
                var key = Stored(idempotent, traceId, outcome);
                ledger.Stage(key);
                if (!await TrySaveAsync(ct))
                {
                    return null; // disposing the transaction rolls the movement back
                }

                await transaction.CommitAsync(ct);
                LedgerMetrics.Committed(row);
                outbox.Notify();
                return IdempotencyKeys.Result(key);
            }

            await transaction.RollbackAsync(ct);
        }

        db.ChangeTracker.Clear();
        var refusal = Stored(idempotent, traceId, outcome);
        ledger.Stage(refusal);
        return await TrySaveAsync(ct) ? IdempotencyKeys.Result(refusal) : null;
    }

    /// <summary>The answer to an outcome, as the row stored under the request's key: 201 with the caller's transaction, or the refusal's problem.</summary>
    private IdempotencyKey Stored(IdempotentRequest idempotent, string traceId, PostingOutcome outcome)
    {
        if (outcome is PostingOutcome.Posted { Row: var row })
        {
            return keys.Completed(idempotent, StatusCodes.Status201Created, TransactionResponse.From(row), row.TransactionId);
        }

        var problem = MoneyProblems.Refused(traceId, (PostingOutcome.Refused)outcome);
        return keys.Completed(idempotent, problem.Status!.Value, problem, null);
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
