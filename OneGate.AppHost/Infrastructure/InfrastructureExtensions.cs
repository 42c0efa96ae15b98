using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace OneGate.AppHost.Infrastructure;

public static class InfrastructureExtensions
{
    public const string DatabaseName = "onegate";

    /// <summary>Kafka topics and their partition counts, created by both modes at start.</summary>
    public static readonly IReadOnlyList<(string Name, int Partitions)> KafkaTopics =
    [
        ("onegate.transactions.v1", 3),
        ("onegate.users.v1", 3),
        ("onegate.diagnostics.v1", 1),
    ];

    /// <summary>Chooses the infrastructure mode (before any resource is added) and adds its resources.</summary>
    public static InfrastructureHandles AddInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = ResolveMode(builder);

        // One set of secrets for both modes; generated once and kept in the AppHost's user secrets.
        var postgresPassword = builder.AddParameter("postgres-password",
            new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var redisPassword = builder.AddParameter("redis-password",
            new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

        // The admin passwords above are for the servers themselves, probes and operators; the services get their
        // own logins (WithDataAccess), created from these.
        var credentials = DataCredentials.Add(builder);

        return mode == InfrastructureMode.Containers
            ? builder.AddContainerInfrastructure(postgresPassword, redisPassword, credentials)
            : builder.AddLocalInfrastructure(postgresPassword, redisPassword, credentials);
    }

    private static InfrastructureMode ResolveMode(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetValue("OneGate:Infrastructure", InfrastructureMode.Auto);
        if (configured != InfrastructureMode.Auto)
        {
            return configured;
        }

        // A deployment manifest describes containers, whatever this machine has.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        var running = ContainerRuntimeProbe.IsRunning(runtime, TimeSpan.FromSeconds(5));
        var mode = running ? InfrastructureMode.Containers : InfrastructureMode.Local;
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        loggerFactory.CreateLogger("OneGate.AppHost").LogInformation(
            "OneGate:Infrastructure=Auto: container runtime {State}; using {Mode} mode", running ? "answers" : "does not answer", mode);
        return mode;
    }
}
