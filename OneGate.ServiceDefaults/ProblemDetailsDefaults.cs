using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every error leaves as RFC 9457 problem details with a machine-readable <c>code</c> and the
/// <c>traceId</c>; nothing internal (stack traces, SQL, type names) ever reaches a client.
/// </summary>
public static class ProblemDetailsDefaults
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IServiceCollection AddOneGateProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            problem.Extensions.TryAdd("code", DefaultCode(problem.Status ?? context.HttpContext.Response.StatusCode));
            problem.Type ??= $"https://onegate.skynux.fun/problems/{((string)problem.Extensions["code"]!).ToLowerInvariant().Replace('_', '-')}";
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();

        // Unreadable bodies throw in every environment (not only Development), so the handler below answers
        // them with the same problem everywhere; bodies are small JSON documents, so cap them.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return services;
    }

    /// <summary>Turns unhandled exceptions and bare status codes into problem details.</summary>
    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static string DefaultCode(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "BAD_REQUEST",
        StatusCodes.Status401Unauthorized => "UNAUTHORIZED",
        StatusCodes.Status403Forbidden => "FORBIDDEN",
        StatusCodes.Status404NotFound => "NOT_FOUND",
        StatusCodes.Status405MethodNotAllowed => "METHOD_NOT_ALLOWED",
        StatusCodes.Status413PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        StatusCodes.Status415UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        StatusCodes.Status429TooManyRequests => "RATE_LIMITED",
        StatusCodes.Status503ServiceUnavailable => "SERVICE_UNAVAILABLE",
        >= 500 => "INTERNAL_ERROR",
        _ => "REQUEST_FAILED",
    };

    /// <summary>
    /// Redis or Postgres unreachable, timed out, or the server ending our session: a restart or failover
    /// (08 connection_exception, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), which
    /// Npgsql does not count as transient because the statement may not be retried blindly — but the request
    /// failed for the dependency, so it is a 503 the client retries (money requests with their idempotency key).
    /// EF wraps these (DbUpdateException), hence the walk down the inner exceptions. Also what a service asks when it
    /// must tell "the dependency is down" from "this request failed" (the posting engine does not split a batch then).
    /// </summary>
    public static bool IsDependencyUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // A Redis that refuses writes for a while (READONLY after a failover, LOADING, OOM) is unavailable too.
            if (e is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException or TimeoutException
                or StackExchange.Redis.RedisServerException { Message: ['R', 'E', 'A', 'D', 'O', 'N', 'L', 'Y', ..] or ['L', 'O', 'A', 'D', 'I', 'N', 'G', ..] or ['O', 'O', 'M', ..] }
                or Npgsql.NpgsqlException { IsTransient: true }
                or Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" or ['0', '8', ..] })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A request the framework could not read (malformed JSON, oversized body, wrong content type)
    /// is the client's fault: 4xx with its status. Anything else is ours: a 500 that says nothing more.
    /// </summary>
    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var (status, code, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "PAYLOAD_TOO_LARGE",
                    StatusCodes.Status415UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
                    _ => "MALFORMED_REQUEST",
                }, "The request could not be read. Send a valid JSON body with Content-Type: application/json."),
                // A dependency that is down is a temporary condition the client may retry, not a bug.
                _ when IsDependencyUnavailable(exception) =>
                    (StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "A dependency is temporarily unavailable. Retry later."),
                _ => (StatusCodes.Status500InternalServerError, "INTERNAL_ERROR", "An unexpected error occurred. Quote the traceId when reporting it."),
            };

            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                httpContext.Response.Headers.RetryAfter = "5";
                logger.LogWarning("Dependency unavailable for {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            }
            else if (status >= 500)
            {
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            }

            httpContext.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = null, // never serialise exception details to a client
                ProblemDetails =
                {
                    Status = status,
                    Title = status switch { 503 => "Service unavailable", >= 500 => "Internal error", _ => "Bad request" },
                    Detail = detail,
                    Extensions = { ["code"] = code },
                },
            });
        }
    }
}
