using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using OneGate.Payment.Data;

namespace OneGate.Payment.Idempotency;

/// <summary>
/// Stripe-style idempotency, stored in Postgres: the same key and body within 24 h returns the first
/// response again (<c>Idempotent-Replayed: true</c>) and moves money once; the same key with another body (other
/// JSON values, see <see cref="CanonicalJson"/>) is 422. Pay, transfer and refund store the key only with their final answer, in the same database transaction
/// as the money movement (<see cref="Completed"/>): a concurrent request with the key waits for that transaction and
/// then replays it, and a crash leaves neither money moved nor the key taken. A top-up waits on its provider, so
/// it claims the key first (<see cref="ClaimAsync"/>) and a concurrent request gets 409 until it finishes.
/// </summary>
public sealed class IdempotencyKeys(PaymentDbContext db, IOptions<JsonOptions> json, TimeProvider time)
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // A request that stops answering (crash, kill) frees its key after this long.
    private static readonly TimeSpan InFlightLease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads and checks the Idempotency-Key header and fingerprints the request; the problem is set (400) when
    /// the key is missing or malformed.
    /// </summary>
    public (IdempotentRequest? Request, IdempotencyClaim.Rejected? Problem) Read(HttpContext http, int userId, object request)
    {
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return (null, Reject(StatusCodes.Status400BadRequest, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key required",
                "Send an Idempotency-Key header (1-255 printable ASCII characters) with every request that moves money."));
        }

        if (key.Length > 255 || key.Any(c => c is < '\x20' or > '\x7e'))
        {
            return (null, Reject(StatusCodes.Status400BadRequest, "VALIDATION_FAILED", "Invalid Idempotency-Key",
                "The Idempotency-Key must be 1-255 printable ASCII characters."));
        }

        var path = http.Request.Path.Value ?? "";
        return (new IdempotentRequest(userId, key, http.Request.Method, path, RequestHash(http.Request.Method, path, request)), null);
    }

    /// <summary>
    /// Claims the key before a request that waits on someone else (a provider): the key is held IN_PROGRESS in
    /// its own committed row, so a concurrent request with it gets 409 until the first finishes or its lease ends.
    /// </summary>
    public async Task<IdempotencyClaim> ClaimAsync(HttpContext http, int userId, object request, CancellationToken ct)
    {
        var (idempotent, problem) = Read(http, userId, request);
        if (idempotent is null)
        {
            return problem!;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = time.GetUtcNow();
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO idempotency_keys (user_id, idempotency_key, request_method, request_path, request_hash, status, locked_until, created_at, expires_at)
                VALUES ({userId}, {idempotent.Key}, {idempotent.Method}, {idempotent.Path}, {idempotent.Hash}, 'IN_PROGRESS', {now + InFlightLease}, {now}, {now + Retention})
                ON CONFLICT (user_id, idempotency_key) DO NOTHING
                """, ct);
            if (inserted == 1)
            {
                return new IdempotencyClaim.Proceed(userId, idempotent.Key, null);
            }

            var existing = await ExistingAsync(idempotent, now, ct);
            if (existing is null)
            {
                continue; // deleted in between (expired or released): try again
            }

            if (Decide(existing, idempotent) is { } decided)
            {
                return decided;
            }

            // In progress elsewhere; take it over only if that attempt has stopped renewing its lease.
            var takenOver = await db.IdempotencyKeys
                .Where(k => k.UserId == userId && k.Key == idempotent.Key && k.Status == IdempotencyStatus.InProgress && k.LockedUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LockedUntil, now + InFlightLease), ct);
            return takenOver == 1 ? new IdempotencyClaim.Proceed(userId, idempotent.Key, existing.TransactionId) : InProgress();
        }

        throw new InvalidOperationException("Idempotency key could not be claimed");
    }

    /// <summary>
    /// The key with its final answer (<see cref="Result"/>), as a new row for the caller to insert in the same round trip and database
    /// transaction as the money movement it answers (<see cref="Ledger.Postings.Stage(IdempotencyKey)"/>). The insert
    /// fails with <see cref="IsTaken"/> when another request stored the key first (the database waits for that one to
    /// commit or roll back, so none runs twice).
    /// </summary>
    public IdempotencyKey Completed(IdempotentRequest request, int status, object body, string? transactionId)
    {
        var (contentType, serialized) = Serialize(body);
        var now = time.GetUtcNow();
        var key = new IdempotencyKey
        {
            UserId = request.UserId,
            Key = request.Key,
            RequestMethod = request.Method,
            RequestPath = request.Path,
            RequestHash = request.Hash,
            Status = IdempotencyStatus.Completed,
            ResponseStatus = status,
            ResponseContentType = contentType,
            ResponseBody = serialized,
            TransactionId = transactionId,
            CreatedAt = now,
            CompletedAt = now,
            ExpiresAt = now + Retention,
        };
        return key;
    }

    /// <summary>The first answer to a request, as stored under its key (<see cref="Completed"/>).</summary>
    public static IResult Result(IdempotencyKey stored) =>
        TypedResults.Text(stored.ResponseBody, stored.ResponseContentType, Encoding.UTF8, stored.ResponseStatus);

    /// <summary>Whether an insert failed because the key was stored by another request first.</summary>
    public static bool IsTaken(Exception ex) => IdempotencyKeyConfiguration.IsTaken(ex);

    /// <summary>
    /// What the stored key answers to a request that found it taken: a replay, 422 for another body, 409 while a
    /// claimed request still runs; null when the key is gone (expired, or an abandoned claim that moved no money)
    /// and the request may run.
    /// </summary>
    public async Task<IdempotencyClaim?> AnswerAsync(IdempotentRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var existing = await ExistingAsync(request, now, ct);
        if (existing is null)
        {
            return null;
        }

        if (Decide(existing, request) is { } decided)
        {
            return decided;
        }

        var abandoned = existing.LockedUntil < now && existing.TransactionId is null
            && await db.IdempotencyKeys.Where(k => k.UserId == request.UserId && k.Key == request.Key && k.Status == IdempotencyStatus.InProgress
                                                   && k.LockedUntil < now && k.TransactionId == null).ExecuteDeleteAsync(ct) == 1;
        return abandoned ? null : InProgress();
    }

    /// <summary>The stored key, or null when there is none; an expired one is deleted and counts as none.</summary>
    private async Task<IdempotencyKey?> ExistingAsync(IdempotentRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == request.UserId && k.Key == request.Key, ct);
        if (existing is not null && existing.ExpiresAt <= now)
        {
            await db.IdempotencyKeys.Where(k => k.UserId == request.UserId && k.Key == request.Key && k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
            return null;
        }

        return existing;
    }

    /// <summary>422 for another request, the replay when completed; null while it is in progress.</summary>
    private static IdempotencyClaim? Decide(IdempotencyKey existing, IdempotentRequest request) =>
        existing.RequestHash != request.Hash
            ? Reject(StatusCodes.Status422UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused",
                "This Idempotency-Key was already used with a different request. Use a new key for a new request.")
            : existing.Status == IdempotencyStatus.Completed
                ? new IdempotencyClaim.Replay(existing.ResponseStatus!.Value, existing.ResponseContentType ?? "application/json", existing.ResponseBody ?? "")
                : null;

    private static IdempotencyClaim.Rejected InProgress() =>
        Reject(StatusCodes.Status409Conflict, "REQUEST_IN_PROGRESS", "Request in progress",
            "A request with this Idempotency-Key is still being processed. Retry shortly to get its result.");

    /// <summary>Remembers which transaction the request created before it waits on anyone (a provider).</summary>
    public Task AttachTransactionAsync(IdempotencyClaim.Proceed claim, string transactionId, CancellationToken ct) =>
        db.IdempotencyKeys.Where(k => k.UserId == claim.UserId && k.Key == claim.Key)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.TransactionId, transactionId), ct);

    /// <summary>Stores the final response; call inside the transaction that moved the money.</summary>
    public async Task<IResult> CompleteAsync(IdempotencyClaim.Proceed claim, int status, object body, string? transactionId, CancellationToken ct)
    {
        var (contentType, serialized) = Serialize(body);
        var now = time.GetUtcNow();
        await db.IdempotencyKeys.Where(k => k.UserId == claim.UserId && k.Key == claim.Key)
            .ExecuteUpdateAsync(s => s
                .SetProperty(k => k.Status, IdempotencyStatus.Completed)
                .SetProperty(k => k.ResponseStatus, status)
                .SetProperty(k => k.ResponseContentType, contentType)
                .SetProperty(k => k.ResponseBody, serialized)
                .SetProperty(k => k.TransactionId, transactionId)
                .SetProperty(k => k.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(k => k.CompletedAt, now), ct);
        return TypedResults.Text(serialized, contentType, Encoding.UTF8, status);
    }

    /// <summary>The stored answer: replayed byte for byte, so a problem keeps <c>application/problem+json</c>.</summary>
    private (string ContentType, string Body) Serialize(object body) =>
        (body is Microsoft.AspNetCore.Mvc.ProblemDetails ? "application/problem+json" : "application/json",
            JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions));

    /// <summary>Frees the key after a failure that changed nothing (e.g. a dependency was down), so a retry runs.</summary>
    public Task ReleaseAsync(IdempotencyClaim.Proceed claim) =>
        db.IdempotencyKeys.Where(k => k.UserId == claim.UserId && k.Key == claim.Key && k.Status == IdempotencyStatus.InProgress && k.TransactionId == null)
            .ExecuteDeleteAsync(CancellationToken.None);

    /// <summary>Keeps the key and its transaction but lets the next request with it take over at once.</summary>
    public Task ResumableAsync(IdempotencyClaim.Proceed claim) =>
        db.IdempotencyKeys.Where(k => k.UserId == claim.UserId && k.Key == claim.Key && k.Status == IdempotencyStatus.InProgress)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LockedUntil, time.GetUtcNow().AddSeconds(-1)), CancellationToken.None);

    public static IResult ReplayResult(HttpContext http, IdempotencyClaim.Replay replay)
    {
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Text(replay.Body, replay.ContentType, Encoding.UTF8, replay.Status);
    }

    private string RequestHash(string method, string path, object request)
    {
        // The bound body in its canonical form: key order, whitespace, escapes and the written form of a number
        // (1000 or 1000.00) do not matter; fields the request does not read do not count either.
        var body = CanonicalJson.Of(JsonSerializer.Serialize(request, request.GetType(), json.Value.SerializerOptions));
        return Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes($"{method} {path}\n"), .. body]));
    }

    private static IdempotencyClaim.Rejected Reject(int status, string code, string title, string detail) =>
        new(Problems.Of(status, code, title, detail));
}
