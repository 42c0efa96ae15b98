using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.Payment.Data;
using OneGate.Payment.TopUps;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Admin;

/// <summary>
/// Money e-wallets took that we could not credit and are giving back (docs/topups.md): list it (any reading role),
/// make a refund due now or mark it resolved with a note (OPERATIONS, audited).
/// </summary>
public static class StrandedMoneyEndpoints
{
    private const int MaxListed = 200;

    public static RouteGroupBuilder MapStrandedMoney(this RouteGroupBuilder group)
    {
        group.MapGet("/stranded-money", List)
            .WithName("AdminListStrandedMoney")
            .WithSummary("Top-ups being refunded to the e-wallet (PENDING refunds), oldest first; failing=true: only refunds that keep failing")
            .RequireOperator(OperatorPolicies.Support)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/stranded-money/{transactionId}/retry", Retry)
            .WithName("AdminRetryStrandedRefund")
            .WithSummary("Attempt the refund at the refund worker's next pass instead of after its backoff (same refund number: safe to repeat)")
            .RequireOperator(OperatorPolicies.Operations)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/stranded-money/{transactionId}/resolve", Resolve)
            .WithName("AdminResolveStrandedRefund")
            .WithSummary("Stop attempting the refund: it was settled outside the system (the note says how)")
            .RequireOperator(OperatorPolicies.Operations)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Ok<List<StrandedRefund>>> List(
        [Description("Only refunds failing for the alert threshold of attempts or more")] bool? failing, StrandedRefunds refunds, CancellationToken ct) =>
        TypedResults.Ok(await refunds.ListAsync(failing ?? false, MaxListed, ct));

    private static Task<Results<Ok<StrandedRefund>, ValidationProblem, ProblemHttpResult>> Retry(string transactionId, ActionReason body,
        PaymentDbContext db, StrandedRefunds refunds, AdminAudit audit, CancellationToken ct) =>
        ActAsync(transactionId, ActionReason.Check(body?.Reason, "reason"), AdminAuditActions.StrandedRefundRetry,
            () => refunds.RetryNowAsync(transactionId, ct), db, audit, ct);

    private static Task<Results<Ok<StrandedRefund>, ValidationProblem, ProblemHttpResult>> Resolve(string transactionId, ResolveRequest body,
        PaymentDbContext db, StrandedRefunds refunds, AdminAudit audit, CancellationToken ct)
    {
        var note = ActionReason.Check(body?.Note, "note");
        return ActAsync(transactionId, note, AdminAuditActions.StrandedRefundResolve,
            () => refunds.ResolveAsync(transactionId, note.Text!, ct), db, audit, ct);
    }

    private static async Task<Results<Ok<StrandedRefund>, ValidationProblem, ProblemHttpResult>> ActAsync(string transactionId,
        (string? Text, Dictionary<string, string[]>? Errors) reason, string action, Func<Task<StrandedRefundOutcome>> act,
        PaymentDbContext db, AdminAudit audit, CancellationToken ct)
    {
        if (reason.Errors is not null)
        {
            return Problems.Validation(reason.Errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // No transaction id is longer than 50 or holds a control character (Postgres refuses a NUL: a 404, not a 500).
        switch (transactionId.Length > 50 || transactionId.Any(char.IsControl) ? new StrandedRefundOutcome.NotFound() : await act())
        {
            case StrandedRefundOutcome.Changed changed:
                await audit.RecordAsync(action, OperatorRoles.Operations, "top_up_refund", transactionId, changed.Before, changed.After, reason.Text!, ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Ok(changed.After);
            case StrandedRefundOutcome.NotPending notPending:
                return Problems.Of(StatusCodes.Status409Conflict, "REFUND_NOT_PENDING", "Refund not pending",
                    $"This refund is {notPending.Current.Status} already: nothing is left to attempt.");
            case StrandedRefundOutcome.AttemptInFlight inFlight:
                return Problems.Of(StatusCodes.Status409Conflict, "REFUND_ATTEMPT_IN_FLIGHT", "Refund attempt in flight",
                    $"An attempt to refund it was made less than a lease ago and the e-wallet may still refund it; resolve it after {inFlight.Until:O}, once the e-wallet's status shows no refund.");
            default:
                return Problems.Of(StatusCodes.Status404NotFound, "REFUND_NOT_FOUND", "Refund not found", "No top-up refund with that transaction id.");
        }
    }
}
