using System.Net.Mime;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// Applies the <see cref="ActiveFault"/> to the provider APIs (<c>/gopay</c>, <c>/shopeepay</c>), never to the
/// control API or the health endpoints: first the latency, then a 503 with the configured probability
/// (before anything is processed or recorded, like a provider that is down).
/// </summary>
public sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector faults, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isGoPay = path.StartsWithSegments("/gopay");
        var fault = isGoPay || path.StartsWithSegments("/shopeepay") ? faults.Current : null;
        if (fault is null)
        {
            await next(context);
            return;
        }

        if (fault.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMs), time, context.RequestAborted);
        }

#pragma warning disable CA5394 // chaos, not security: a weak random is what we want
        var fail = Random.Shared.NextDouble() < fault.FailureRate;
#pragma warning restore CA5394
        if (!fail)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = MediaTypeNames.Application.Json;
        await context.Response.WriteAsync(isGoPay
            ? """{"error":"service_unavailable","error_description":"Sandbox fault injection."}"""
            : """{"code":"SERVICE_UNAVAILABLE","message":"Sandbox fault injection."}""");
    }
}

public static class FaultInjectionMiddlewareExtensions
{
    public static WebApplication UseFaultInjection(this WebApplication app)
    {
        app.UseMiddleware<FaultInjectionMiddleware>();
        return app;
    }
}
