using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneGate.ServiceDefaults.Kafka;

/// <summary>Ready when a broker answers a metadata request (cheap, and proves the network path and protocol).</summary>
internal sealed class KafkaHealthCheck(KafkaConnection connection) : IHealthCheck, IDisposable
{
    private readonly Lazy<IAdminClient> admin = new(connection.CreateAdminClient);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata is synchronous in Confluent.Kafka; keep the timeout short so a probe never hangs.
            var metadata = admin.Value.GetMetadata(TimeSpan.FromSeconds(3));
            return Task.FromResult(metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : HealthCheckResult.Unhealthy("No Kafka broker in the metadata"));
        }
        catch (KafkaException ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Kafka did not answer", ex));
        }
    }

    public void Dispose()
    {
        if (admin.IsValueCreated)
        {
            admin.Value.Dispose();
        }
    }
}
