namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Local mode's Kafka: OneGate.KafkaBroker hosts librdkafka's mock cluster (the real Kafka wire protocol)
/// because no Kafka broker can be installed on a machine without containers.
/// </summary>
public sealed class KafkaBrokerResource(string name, string brokerAssembly)
    : ExecutableResource(name, "dotnet", Path.GetDirectoryName(brokerAssembly)!), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public string BrokerAssembly { get; } = brokerAssembly;

    internal EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}

internal static class KafkaBrokerResourceExtensions
{
    public static IResourceBuilder<KafkaBrokerResource> WithKafkaBrokerSettings(this IResourceBuilder<KafkaBrokerResource> builder)
    {
        var endpoint = builder.Resource.Endpoint;
        return builder
            .WithArgs("exec", builder.Resource.BrokerAssembly)
            // The broker listens on the target port (KAFKA_PORT) but must advertise the address clients
            // use, which is Aspire's proxy in front of it.
            .WithEnvironment("KAFKA_ADVERTISED_HOST", endpoint.Property(EndpointProperty.Host))
            .WithEnvironment("KAFKA_ADVERTISED_PORT", endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("KAFKA_TOPICS", string.Join(',', InfrastructureExtensions.KafkaTopics.Select(t => $"{t.Name}:{t.Partitions}")))
            // The broker's TCP forwarder only copies bytes: each read's continuation runs on the socket's event thread
            // instead of hopping to the thread pool (a hot account's events go one produce request at a time).
            .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
    }
}
