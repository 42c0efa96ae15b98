using System.ComponentModel;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;
using OneGate.Transaction.Events;

namespace OneGate.Transaction.Admin;

/// <summary>
/// OPERATIONS sees and replays the events Transaction's consumer set aside (<see cref="DeadLetterReplay"/>, shared with the
/// <c>dead-letters</c> command). OPERATIONS only: a user event's payload holds the username and phone unmasked, which
/// SUPPORT may not see.
/// </summary>
public static class DeadLetterEndpoints
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;

    // One call replays at most this many (each is a produce and a transaction): a long backlog takes several calls
    // instead of one request running for minutes.
    private const int MaxReplayedPerCall = 500;

    public static RouteGroupBuilder MapDeadLetters(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/dead-letters").RequireOperator(OperatorPolicies.Operations);
        group.MapGet("", List)
            .WithName("AdminListDeadLetters")
            .WithSummary("Dead-lettered events, oldest first (the order a replay of all follows); page with nextCursor")
            .WithDescription("Problems: 400 VALIDATION_FAILED (limit, cursor).");
        group.MapPost("/{deadLetterId:long}/replay", ReplayOne)
            .WithName("AdminReplayDeadLetter")
            .WithSummary("Produce the event again to its topic and partition, then remove it (a redacted user event is removed unsent)")
            .WithDescription("A concurrent replay of the same letter waits, then gets 404. Problems: 400 VALIDATION_FAILED (reason), "
                             + "404 DEAD_LETTER_NOT_FOUND, 503 SERVICE_UNAVAILABLE (Kafka did not take it: the letter stays).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/replay", ReplayAll)
            .WithName("AdminReplayAllDeadLetters")
            .WithSummary($"Replay the oldest {MaxReplayedPerCall} dead letters there are now, one at a time (call again for more)")
            .WithDescription("Problems: 400 VALIDATION_FAILED (reason), 503 SERVICE_UNAVAILABLE when Kafka fails midway: the letters before it "
                             + "are replayed (the detail names how many and the letter that failed), it and the rest stay.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    private static async Task<Results<Ok<DeadLetterPage>, ValidationProblem>> List([Description("nextCursor of the previous page")] string? cursor,
        [Description("Page size, a whole number from 1 to 100 (default 50)")] string? limit, TransactionDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var size = PageSize.Parse(limit, DefaultPageSize, MaxPageSize, errors);
        long after = 0;
        if (cursor is not null && !(long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after) && after >= 1))
        {
            errors["cursor"] = ["Not a cursor from a previous page."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var rows = await db.DeadLetterEvents.AsNoTracking().Where(d => d.Id > after).OrderBy(d => d.Id).Take(size + 1).ToListAsync(ct);
        var items = rows.Take(size).Select(DeadLetterView.From).ToList();
        return TypedResults.Ok(new DeadLetterPage(items, rows.Count > size ? items[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }

    private static async Task<Results<Ok<ReplayOutcome>, ValidationProblem, ProblemHttpResult>> ReplayOne(long deadLetterId, ReasonRequest? body,
        HttpContext http, DeadLetterReplay replay, CancellationToken ct)
    {
        var (reason, error) = AuditReason.Check(body?.Reason, required: false);
        if (error is not null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = [error] });
        }

        ReplayOutcome? outcome;
        try
        {
            outcome = await replay.ReplayAsync(deadLetterId, AuditActor.Operator(http, OperatorRoles.Operations), reason, ct);
        }
        catch (KafkaException ex)
        {
            return KafkaUnavailable(http, ex);
        }

        return outcome is null
            ? Problems.Of(StatusCodes.Status404NotFound, "DEAD_LETTER_NOT_FOUND", "Dead letter not found", "No dead letter with that id (replayed already?).")
            : TypedResults.Ok(outcome);
    }

    private static async Task<Results<Ok<ReplaySummary>, ValidationProblem, ProblemHttpResult>> ReplayAll(ReasonRequest? body, HttpContext http, DeadLetterReplay replay,
        CancellationToken ct)
    {
        var (reason, error) = AuditReason.Check(body?.Reason, required: false);
        if (error is not null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = [error] });
        }

        var outcomes = new List<ReplayOutcome>();
        try
        {
            await replay.ReplayAllAsync(AuditActor.Operator(http, OperatorRoles.Operations), reason, MaxReplayedPerCall, outcomes, ct);
        }
        catch (KafkaException ex)
        {
            // The letters replayed before the failure are gone (each was its own transaction); the rest stay.
            var done = Summary(outcomes);
            return KafkaUnavailable(http, ex, $"Kafka failed after {done.Replayed} replayed and {done.Dropped} dropped; "
                + "the letter after those and the rest stay. Retry later.");
        }

        return TypedResults.Ok(Summary(outcomes));
    }

    private static ReplaySummary Summary(List<ReplayOutcome> outcomes) =>
        new(outcomes.Count(o => o.Outcome == ReplayOutcome.Replayed), outcomes.Count(o => o.Outcome == ReplayOutcome.Dropped));

    /// <summary>Kafka did not take the event: the letter stays (its transaction rolled back); retry later.</summary>
    private static ProblemHttpResult KafkaUnavailable(HttpContext http, KafkaException ex,
        string detail = "Kafka did not take the event; the dead letter stays. Retry later.")
    {
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeadLetterEndpoints)).LogWarning("Dead-letter replay failed: {Reason}", ex.Message);
        http.Response.Headers.RetryAfter = "10";
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service unavailable", detail);
    }
}
