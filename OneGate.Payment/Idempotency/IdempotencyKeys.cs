using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.Idempotency;

/// <summary>
/// Stripe-style idempotency, stored in Postgres: the same key and body within 24 h returns the first
/// response again (<c>Idempotent-Replayed: true</c>) and moves money once; the same key with another body is
/// 422; while the first request runs, 409. The final response is written in the same database transaction
/// as the money movement, so a crash can never leave money moved without its stored answer.
/// </summary>
public sealed class IdempotencyKeys(PaymentDbContext db, IOptions<JsonOptions> json, TimeProvider time)
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // A request that stops answering (crash, kill) frees its key after this long.
    private static readonly TimeSpan InFlightLease = TimeSpan.FromSeconds(60);

    public async Task<IdempotencyClaim> ClaimAsync(HttpContext http, int userId, object request, CancellationToken ct)
    {
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Reject(StatusCodes.Status400BadRequest, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key required",
                "Send an Idempotency-Key header (1-255 printable ASCII characters) with every request that moves money.");
        }

        if (key.Length > 255 || key.Any(c => c is < '\x20' or > '\x7e'))
        {
            return Reject(StatusCodes.Status400BadRequest, "VALIDATION_FAILED", "Invalid Idempotency-Key",
                "The Idempotency-Key must be 1-255 printable ASCII characters.");
        }

        var hash = RequestHash(http.Request.Method, http.Request.Path, request);
        var now = time.GetUtcNow();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO idempotency_keys (user_id, idempotency_key, request_method, request_path, request_hash, status, locked_until, created_at, expires_at)
                VALUES ({userId}, {key}, {http.Request.Method}, {http.Request.Path.Value}, {hash}, 'IN_PROGRESS', {now + InFlightLease}, {now}, {now + Retention})
                ON CONFLICT (user_id, idempotency_key) DO NOTHING
                """, ct);
            if (inserted == 1)
            {
                return new IdempotencyClaim.Proceed(userId, key, null);
            }

            var existing = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId && k.Key == key, ct);
            if (existing is null)
            {
                continue; // deleted in between (expired or released): try again
            }

            if (existing.ExpiresAt <= now)
            {
                await db.IdempotencyKeys.Where(k => k.UserId == userId && k.Key == key && k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
                continue;
            }

            if (existing.RequestHash != hash)
            {
                return Reject(StatusCodes.Status422UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request. Use a new key for a new request.");
            }

            if (existing.Status == IdempotencyStatus.Completed)
            {
                return new IdempotencyClaim.Replay(existing.ResponseStatus!.Value, existing.ResponseContentType ?? "application/json", existing.ResponseBody ?? "");
            }

            // In progress elsewhere; take it over only if that attempt has stopped renewing its lease.
            var takenOver = await db.IdempotencyKeys
                .Where(k => k.UserId == userId && k.Key == key && k.Status == IdempotencyStatus.InProgress && k.LockedUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LockedUntil, now + InFlightLease), ct);
            return takenOver == 1
                ? new IdempotencyClaim.Proceed(userId, key, existing.TransactionId)
                : Reject(StatusCodes.Status409Conflict, "REQUEST_IN_PROGRESS", "Request in progress",
                    "A request with this Idempotency-Key is still being processed. Retry shortly to get its result.");
        }

        throw new InvalidOperationException("Idempotency key could not be claimed");
    }

    /// <summary>Remembers which transaction the request created before it waits on anyone (a provider).</summary>
    public Task AttachTransactionAsync(IdempotencyClaim.Proceed claim, string transactionId, CancellationToken ct) =>
        db.IdempotencyKeys.Where(k => k.UserId == claim.UserId && k.Key == claim.Key)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.TransactionId, transactionId), ct);

    /// <summary>Stores the final response; call inside the transaction that moved the money.</summary>
    public async Task<IResult> CompleteAsync(IdempotencyClaim.Proceed claim, int status, object body, string? transactionId, CancellationToken ct)
    {
        var isProblem = body is Microsoft.AspNetCore.Mvc.ProblemDetails;
        var contentType = isProblem ? "application/problem+json" : "application/json";
        var serialized = JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions);
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

    private string RequestHash(string method, PathString path, object request)
    {
        // The parsed body, re-serialised: whitespace or key order in the client's JSON does not matter.
        var canonical = $"{method} {path}\n{JsonSerializer.Serialize(request, request.GetType(), json.Value.SerializerOptions)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static IdempotencyClaim.Rejected Reject(int status, string code, string title, string detail) =>
        new(Problems.Of(status, code, title, detail));
}
