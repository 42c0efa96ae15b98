using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A readiness check that talks to the server behind a connection string. Without one, an executable
/// resource counts as ready the moment its process starts, and services would race the server.
/// </summary>
internal sealed class ConnectionStringHealthCheck(IResourceWithConnectionString resource, Func<string, CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await probe(connectionString, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{resource.Name} does not answer: {ex.Message}");
        }
    }
}

internal static class ConnectionStringHealthCheckExtensions
{
    /// <param name="name">Distinguishes this check from one the resource already has (Aspire's database resources do).</param>
    public static IResourceBuilder<T> WithConnectionStringHealthCheck<T>(this IResourceBuilder<T> builder, Func<string, CancellationToken, Task> probe,
        string name = "check")
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_{name}";
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key, _ => new ConnectionStringHealthCheck(builder.Resource, probe), failureStatus: default, tags: default));
        return builder.WithHealthCheck(key);
    }
}
