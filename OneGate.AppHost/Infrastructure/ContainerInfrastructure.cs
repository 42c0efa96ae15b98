namespace OneGate.AppHost.Infrastructure;

/// <summary>Containers mode: the same servers production runs (Postgres 17, Redis 7, Kafka in KRaft mode), plus Kafka UI.</summary>
internal static class ContainerInfrastructure
{
    private const int KafkaHostPort = 9092;
    private const int KafkaUiHostPort = 8085;

    public static InfrastructureHandles AddContainerInfrastructure(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> redisPassword)
    {
        var database = builder.AddPostgres("postgres", password: postgresPassword, port: 5433)
            .WithImageTag("17.6")
            .WithDataVolume("onegate-postgres-data")
            .AddDatabase(InfrastructureExtensions.DatabaseName);

        var redis = builder.AddRedis("redis", port: 6380, password: redisPassword)
            .WithImageTag("7.4")
            .WithDataVolume("onegate-redis-data");

        var kafka = builder.AddResource(new KafkaContainerResource("kafka"))
            .WithImage("apache/kafka", "3.9.1")
            .WithEndpoint(port: KafkaHostPort, targetPort: KafkaContainerResource.HostListenerPort, name: KafkaContainerResource.PrimaryEndpointName)
            .WithEndpoint(targetPort: KafkaContainerResource.InternalListenerPort, name: KafkaContainerResource.InternalEndpointName)
            .WithKRaftSingleNode()
            .WithVolume("onegate-kafka-data", "/var/lib/kafka/data")
            .WithConnectionStringHealthCheck(KafkaProbe.EnsureTopicsAsync);

        // Plain string: interpolating an int straight into WithEnvironment picks the ReferenceExpression overload.
        var kafkaUiBootstrap = $"{kafka.Resource.Name}:{KafkaContainerResource.InternalListenerPort}";
        // The stream-monitoring UI (read-only: topics are created by the readiness check, messages by the services).
        builder.AddContainer("kafka-ui", "kafbat/kafka-ui", "v1.2.0")
            .WithHttpEndpoint(port: KafkaUiHostPort, targetPort: 8080, name: "http")
            .WithEnvironment("KAFKA_CLUSTERS_0_NAME", "onegate")
            .WithEnvironment("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS", kafkaUiBootstrap)
            .WithEnvironment("KAFKA_CLUSTERS_0_READONLY", "true")
            .WithEnvironment("DYNAMIC_CONFIG_ENABLED", "false")
            .WaitFor(kafka);

        return new InfrastructureHandles(InfrastructureMode.Containers,
            database, redis, kafka);
    }
}
