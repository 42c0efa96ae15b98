using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A Kafka broker is ready when it answers a metadata request and every OneGate topic exists with its
/// partition count. A real broker gets missing topics created here (auto-creation would give them the
/// broker's default partition count); the local mock broker creates them itself at start.
/// </summary>
internal static class KafkaProbe
{
    public static async Task EnsureTopicsAsync(string bootstrapServers, CancellationToken cancellationToken)
    {
        // The probe's failure is the check's result (Unhealthy, with the reason); without a handler librdkafka would
        // also write each refused connection to the AppHost's stderr while the broker starts.
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers, SocketTimeoutMs = 3000 })
            .SetLogHandler((_, _) => { })
            .Build();
        var metadata = await Task.Run(() => admin.GetMetadata(TimeSpan.FromSeconds(3)), cancellationToken);
        var missing = InfrastructureExtensions.KafkaTopics
            .Where(t => !metadata.Topics.Any(m => m.Topic == t.Name && m.Error.Code == ErrorCode.NoError))
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            await admin.CreateTopicsAsync(missing.Select(t => new TopicSpecification { Name = t.Name, NumPartitions = t.Partitions, ReplicationFactor = 1 }));
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another check created them first.
        }
    }
}
