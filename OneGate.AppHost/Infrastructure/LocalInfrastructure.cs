using System.Reflection;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Local mode: real servers as processes, for machines without a container engine (CI, this dev box).
/// Postgres keeps its data between runs under OneGate:DataDirectory unless OneGate:ResetData is set.
/// </summary>
internal static class LocalInfrastructure
{
    // Fixed host ports for `dotnet run` (chosen to avoid a system Postgres/Redis on 5432/6379);
    // Aspire.Hosting.Testing randomises them.
    private const int PostgresPort = 5433;
    private const int RedisPort = 6380;
    private const int KafkaPort = 9092;

    public static InfrastructureHandles AddLocalInfrastructure(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> redisPassword, DataCredentials credentials)
    {
        var dataDirectory = DataDirectory(builder);
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure", "local");
        var roles = new DatabaseRoles(credentials, DatabaseRoles.ScriptPath(builder));

        var postgres = builder.AddResource(new LocalPostgresResource("postgres", postgresPassword.Resource, InfrastructureExtensions.DatabaseName, Path.Combine(scripts, "postgres.sh")))
            .WithArgs(Path.Combine(scripts, "postgres.sh"))
            .WithEndpoint(port: Port(builder, PostgresPort), scheme: "tcp", name: LocalPostgresResource.EndpointName, env: "PGPORT", isProxied: false)
            .WithEnvironment("PGDATA_DIR", Path.Combine(dataDirectory, "postgres"))
            .WithEnvironment("POSTGRES_DB", InfrastructureExtensions.DatabaseName)
            .WithEnvironment("POSTGRES_PASSWORD", postgresPassword)
            .WithConnectionStringHealthCheck(roles.ProbeAsync);

        var redis = builder.AddResource(new LocalRedisResource("redis", redisPassword.Resource, Path.Combine(scripts, "redis.sh")))
            .WithArgs(Path.Combine(scripts, "redis.sh"))
            .WithEndpoint(port: Port(builder, RedisPort), scheme: "tcp", name: LocalRedisResource.EndpointName, env: "REDIS_PORT", isProxied: false)
            .WithEnvironment("REDIS_DATA_DIR", Path.Combine(dataDirectory, "redis"))
            .WithEnvironment("REDIS_PASSWORD", redisPassword)
            .WithRedisAclUsers(credentials)
            .WithConnectionStringHealthCheck(async (connectionString, ct) =>
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(connectionString + ",connectTimeout=2000,abortConnect=true");
                await connection.GetDatabase().PingAsync();
            });

        var kafka = builder.AddResource(new KafkaBrokerResource("kafka", KafkaBrokerAssembly()))
            .WithEndpoint(port: Port(builder, KafkaPort), scheme: "tcp", name: KafkaBrokerResource.EndpointName, env: "KAFKA_PORT", isProxied: false)
            .WithKafkaBrokerSettings()
            .WithConnectionStringHealthCheck(KafkaProbe.EnsureTopicsAsync);

        return new InfrastructureHandles(InfrastructureMode.Local, postgres, redis, kafka, credentials,
            postgres.Resource.ConnectionStringAs, redis.Resource.ConnectionStringAs);
    }

    /// <summary>
    /// The servers listen on their endpoint port directly, without Aspire's proxy in between: every database,
    /// Redis and Kafka round trip would otherwise cross a user-space proxy (two extra socket hops and ~10 % of
    /// the machine's CPU under load), which no deployment has. Tests randomise ports: there Aspire allocates a
    /// free one (null), so a test run never collides with a developer's running stack.
    /// </summary>
    internal static int? Port(IDistributedApplicationBuilder builder, int developmentPort) =>
        builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts") ? null : developmentPort;

    /// <summary>
    /// Where Local mode keeps server data. The default is outside the user's home because Postgres runs as the
    /// `postgres` user when the AppHost is root, and /root is not traversable by it.
    /// </summary>
    private static string DataDirectory(IDistributedApplicationBuilder builder)
    {
        var directory = DataDirectoryPath(builder);
        if (builder.Configuration.GetValue<bool>("OneGate:ResetData") && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Where the local servers (and the monitoring tools, MonitoringExtensions) keep their data.</summary>
    internal static string DataDirectoryPath(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["OneGate:DataDirectory"];
        return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "/var/tmp/onegate-local" : configured);
    }

    /// <summary>The broker project is referenced by the AppHost, so it is built with the same configuration.</summary>
    private static string KafkaBrokerAssembly()
    {
        var configuration = typeof(LocalInfrastructure).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var projectDirectory = Path.GetDirectoryName(new Projects.OneGate_KafkaBroker().ProjectPath)!;
        return Path.Combine(projectDirectory, "bin", configuration, "net10.0", "OneGate.KafkaBroker.dll");
    }
}
