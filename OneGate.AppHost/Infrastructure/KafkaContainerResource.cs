namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A single-node Kafka broker in KRaft mode (apache/kafka image), declared by hand because the
/// Aspire.Hosting.Kafka package is not available to this project.
/// </summary>
public sealed class KafkaContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string InternalEndpointName = "internal";
    public const int HostListenerPort = 9092;
    public const int InternalListenerPort = 9093;
    public const int ControllerPort = 9094;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public EndpointReference InternalEndpoint => new(this, InternalEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

internal static class KafkaContainerResourceExtensions
{
    public static IResourceBuilder<KafkaContainerResource> WithKRaftSingleNode(this IResourceBuilder<KafkaContainerResource> builder)
    {
        var kafka = builder.Resource;
        // Plain strings: interpolating ints straight into WithEnvironment picks the ReferenceExpression overload.
        var internalListener = $"INTERNAL://{kafka.Name}:{KafkaContainerResource.InternalListenerPort}";
        var quorumVoters = $"1@localhost:{KafkaContainerResource.ControllerPort}";
        var listeners = $"HOST://0.0.0.0:{KafkaContainerResource.HostListenerPort},INTERNAL://0.0.0.0:{KafkaContainerResource.InternalListenerPort},"
            + $"CONTROLLER://localhost:{KafkaContainerResource.ControllerPort}";
        return builder
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", quorumVoters)
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_LISTENERS", listeners)
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "HOST:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT")
            .WithEnvironment("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
            // Host processes (our services) connect through the published port; other containers by name.
            .WithEnvironment(context => context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = ReferenceExpression.Create(
                $"HOST://localhost:{kafka.PrimaryEndpoint.Property(EndpointProperty.Port)},{internalListener}"))
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            // Topics are created with their partition counts by the readiness check, never implicitly.
            .WithEnvironment("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
            .WithEnvironment("KAFKA_LOG_DIRS", "/var/lib/kafka/data");
    }
}
