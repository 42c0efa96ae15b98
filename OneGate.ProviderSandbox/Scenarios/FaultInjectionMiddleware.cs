using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// Applies the <see cref="ActiveFault"/> to the providers' SNAP services, never to the control API or the health
/// endpoints: first the latency, then with the configured probability a SNAP internal error (500, <c>500SS01</c>)
/// before anything is processed or recorded, like a provider that is failing.
/// </summary>
public sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector faults, SandboxProviders providers, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var fault = providers.TryMatch(context.Request.Path, out _, out var servicePath) ? faults.Current : null;
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

        await SnapReply.InternalError(SnapProviderApi.ServiceOf(servicePath)).ExecuteAsync(context);
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
