namespace OneGate.Transaction.Extensions;

/// <summary>
/// <c>X-Served-By: &lt;instance&gt;</c> on every response: which replica answered (the Aspire replica name, or the pod
/// name in Kubernetes). Cheap, and it makes "both replicas served" observable when proving limits are shared.
/// </summary>
public static class ServedByHeader
{
    public const string HeaderName = "X-Served-By";

    public static readonly string Instance = FromOtelAttributes(Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES"))
        ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    public static IApplicationBuilder UseServedByHeader(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.Headers[HeaderName] = Instance;
            return next(http);
        });

    /// <summary>Aspire and the OpenTelemetry operator set <c>service.instance.id</c> per replica.</summary>
    private static string? FromOtelAttributes(string? attributes) =>
        attributes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
            .Select(pair => pair[1])
            .FirstOrDefault();
}
