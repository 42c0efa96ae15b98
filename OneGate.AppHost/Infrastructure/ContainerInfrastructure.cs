namespace OneGate.AppHost.Infrastructure;

/// <summary>Containers mode: the same servers production runs (Postgres 17, Redis 7, Kafka in KRaft mode).</summary>
internal static class ContainerInfrastructure
{
    private const int KafkaHostPort = 9092;

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

        return new InfrastructureHandles(InfrastructureMode.Containers,
            database, redis, kafka);
    }
}
