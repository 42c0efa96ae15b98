namespace OneGate.AppHost.Infrastructure;

/// <summary>Containers mode: the same servers production runs (Postgres 17, Redis 7, Kafka in KRaft mode), plus Kafka UI.</summary>
internal static class ContainerInfrastructure
{
    private const int KafkaHostPort = 9092;
    private const int KafkaUiHostPort = 8085;
    private const string RedisAclDirectory = "/onegate-redis";

    public static InfrastructureHandles AddContainerInfrastructure(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> redisPassword, DataCredentials credentials)
    {
        var roles = new DatabaseRoles(credentials, DatabaseRoles.ScriptPath(builder));
        var postgres = builder.AddPostgres("postgres", password: postgresPassword, port: 5433)
            .WithImageTag("17.6")
            .WithDataVolume("onegate-postgres-data");
        var database = postgres.AddDatabase(InfrastructureExtensions.DatabaseName)
            .WithConnectionStringHealthCheck(roles.ProbeAsync, name: "roles");

        var redis = builder.AddRedis("redis", port: 6380, password: redisPassword)
            .WithImageTag("7.4")
            .WithDataVolume("onegate-redis-data")
            .WithBindMount(RedisAclExtensions.DataDirectory(builder), RedisAclDirectory, isReadOnly: true)
            .WithRedisAclUsers(credentials, RedisAclDirectory)
            .WithArgs(IncludeAclUsers);

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

        var postgresEndpoint = postgres.Resource.PrimaryEndpoint;
        var redisEndpoint = redis.Resource.PrimaryEndpoint;
        return new InfrastructureHandles(InfrastructureMode.Containers, database, redis, kafka, credentials,
            (role, password) => ReferenceExpression.Create(
                $"Host={postgresEndpoint.Property(EndpointProperty.Host)};Port={postgresEndpoint.Property(EndpointProperty.Port)};Username={role};Password={password};Database={InfrastructureExtensions.DatabaseName}"),
            (user, password) => ReferenceExpression.Create(
                $"{redisEndpoint.Property(EndpointProperty.Host)}:{redisEndpoint.Property(EndpointProperty.Port)},user={user},password={password}"));
    }

    /// <summary>
    /// Aspire starts Redis with <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD ..."</c> (the default user:
    /// the admin). This writes the ACL users' directives first and includes them (untested here: no container engine).
    /// </summary>
    private static void IncludeAclUsers(CommandLineArgsCallbackContext context)
    {
        var index = context.Args.IndexOf("-c");
        if (index < 0 || index + 1 >= context.Args.Count || context.Args[index + 1] is not string command)
        {
            throw new InvalidOperationException("Aspire's Redis container no longer starts through /bin/sh -c: update IncludeAclUsers");
        }

        context.Args[index + 1] = $"sh \"$REDIS_ACL_SCRIPT\" \"$REDIS_ACL_RULES\" > /tmp/onegate-users.conf && exec {command} --include /tmp/onegate-users.conf";
    }
}
