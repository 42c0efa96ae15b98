using System.Diagnostics;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.AccessLogs;
using OneGate.Transaction.Regulators.Keys;
using OneGate.Transaction.Regulators.RateLimiting;
using StackExchange.Redis;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>
/// <c>X-API-Key</c> on <c>/api/external</c>, in this order:
/// <list type="number">
/// <item>missing, unknown, expired or revoked key (or a deactivated service) → <c>401 INVALID_API_KEY</c>;</item>
/// <item>rate limits (every window, one Redis script) → <c>429 RATE_LIMITED</c> with <c>Retry-After</c>; Redis
/// unreachable → <c>503 SERVICE_UNAVAILABLE</c> (fail closed: no regulator call goes unmetered);</item>
/// <item>the endpoint's permission → <c>403 INSUFFICIENT_PERMISSION</c> (counted against the budget like any
/// authenticated request).</item>
/// </list>
/// Every authenticated response carries <c>RateLimit-Limit/Remaining/Reset</c>. Every request whose key is known
/// (even expired or revoked) takes a place in the access-log queue before it is answered — none free:
/// <c>503 SERVICE_UNAVAILABLE</c>, not served — and its row is queued once the response has been sent.
/// </summary>
public sealed class ApiKeyFilter : IEndpointFilter
{
    public const string HeaderName = "X-API-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var started = Stopwatch.GetTimestamp();
        var presented = http.Request.Headers[HeaderName].ToString();
        if (presented.Length is 0 or > ApiKeySecret.MaxLength)
        {
            return InvalidKey();
        }

        var services = http.RequestServices;
        var credential = await services.GetRequiredService<ApiKeyStore>().FindAsync(presented, http.RequestAborted);
        if (credential is null)
        {
            return InvalidKey();
        }

        // The row's place is taken before anything is answered: a request whose access cannot be logged is not served.
        var accessLog = services.GetRequiredService<AccessLogQueue>();
        if (!accessLog.TryReserve())
        {
            return AccessLogFull(http, credential);
        }

        LogOnCompleted(http, accessLog, credential, started);
        var clock = services.GetRequiredService<TimeProvider>();
        if (!credential.IsUsableAt(clock.GetUtcNow()))
        {
            return InvalidKey();
        }

        RateLimitDecision decision;
        try
        {
            decision = await services.GetRequiredService<RedisRateLimiter>().AcquireAsync(credential.RateLimitId, credential.Windows);
        }
        // A command pending when the multiplexer drops a dead socket is cancelled (TaskCanceledException): Redis is
        // unavailable then too, not a fault of the request.
        catch (Exception ex) when (ex is RedisException or TimeoutException or TaskCanceledException)
        {
            services.GetRequiredService<ILogger<ApiKeyFilter>>().LogWarning("Rate limiter unavailable, refusing regulator request: {Reason}", ex.Message);
            http.Response.Headers.RetryAfter = "5";
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service unavailable",
                "Rate limiting is temporarily unavailable, so regulator requests are refused. Retry later.");
        }

        decision.WriteHeaders(http.Response);
        if (!decision.Allowed)
        {
            return Problems.Of(StatusCodes.Status429TooManyRequests, "RATE_LIMITED", "Too many requests",
                $"This key's limit of {decision.Limit} requests is used up; retry after {decision.ResetSeconds} s.");
        }

        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredApiPermission>();
        if (required is not null && !credential.Permissions.Contains(required.Permission))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "INSUFFICIENT_PERMISSION", "Insufficient permission",
                $"This key lacks the {PermissionName(required.Permission)} permission.");
        }

        return await next(context);
    }

    private static object InvalidKey() =>
        Problems.Of(StatusCodes.Status401Unauthorized, "INVALID_API_KEY", "Invalid API key",
            $"Send a valid, unexpired, unrevoked regulator key in the {HeaderName} header.");

    private static string PermissionName(ApiPermission permission) => permission switch
    {
        ApiPermission.ReadTransactions => "READ_TRANSACTIONS",
        ApiPermission.ReadReports => "READ_REPORTS",
        _ => permission.ToString(),
    };

    private static object AccessLogFull(HttpContext http, ApiKeyCredential credential)
    {
        http.RequestServices.GetRequiredService<ILogger<ApiKeyFilter>>()
            .LogWarning("Access log queue full, refusing a request of key {KeyPrefix}: its access could not be logged", credential.Prefix);
        http.Response.Headers.RetryAfter = "5";
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service unavailable",
            "Regulator requests are refused while their access cannot be logged. Retry later.");
    }

    /// <summary>Queues the request's row (its place is already taken) once the response has been sent.</summary>
    private static void LogOnCompleted(HttpContext http, AccessLogQueue queue, ApiKeyCredential credential, long started)
    {
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        http.Response.OnCompleted(() =>
        {
            var now = clock.GetUtcNow();
            var userAgent = http.Request.Headers.UserAgent.ToString();
            queue.Enqueue(new ApiAccessLog
            {
                Id = Guid.CreateVersion7(now),
                ApiKeyId = credential.Id,
                ExternalServiceId = credential.ExternalServiceId,
                Endpoint = Storable(http.Request.Path.Value ?? "/", 255),
                Method = Storable(http.Request.Method, 10),
                IpAddress = Storable(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", 45),
                UserAgent = userAgent.Length == 0 ? null : Storable(userAgent, 512),
                StatusCode = http.Response.StatusCode,
                ResponseTimeMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                CreatedAt = now,
            });
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// What the column can hold whatever the request sent: no NUL (PostgreSQL text cannot), at most
    /// <paramref name="length"/> characters, never half a surrogate pair (not encodable). A row the database refused
    /// would be retried forever.
    /// </summary>
    private static string Storable(string value, int length)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            value = value.Replace("\0", string.Empty, StringComparison.Ordinal);
        }

        if (value.Length <= length)
        {
            return value;
        }

        return char.IsHighSurrogate(value[length - 1]) ? value[..(length - 1)] : value[..length];
    }
}
