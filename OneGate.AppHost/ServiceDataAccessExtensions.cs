using OneGate.AppHost.Infrastructure;

namespace OneGate.AppHost;

/// <summary>
/// Connects a service to Postgres and Redis as itself (docs/operations.md, "Least privilege"): its own Postgres
/// login with DML on its own schema only, and its own Redis ACL user. Its migrations run before it, in a resource of
/// their own (<c>&lt;service&gt;-migrate</c>: the service's binary with the <c>migrate</c> command), the only process
/// that gets the migrator's login. No service gets the admin logins.
/// </summary>
internal static class ServiceDataAccessExtensions
{
    /// <summary>The connection the migrate command runs on (OneGate.ServiceDefaults MigrateCommand).</summary>
    public const string MigratorConnectionName = InfrastructureExtensions.DatabaseName + "-migrator";

    /// <summary>The command-line argument that makes a service binary migrate and exit.</summary>
    public const string MigrateCommand = "migrate";

    /// <typeparam name="TProject">The service's project again, for its migrate step: the generated metadata lets the
    /// step run the build the AppHost's own build made (a project added by path would build itself when it starts).</typeparam>
    public static IResourceBuilder<ProjectResource> WithDataAccess<TProject>(this IResourceBuilder<ProjectResource> service, InfrastructureHandles infra)
        where TProject : IProjectMetadata, new()
    {
        var credentials = infra.Credentials.For(service.Resource.Name);
        var migrate = service.ApplicationBuilder
            .AddProject<TProject>($"{service.Resource.Name}-{MigrateCommand}", o => o.ExcludeLaunchProfile = true)
            .WithArgs(MigrateCommand)
            // A command that exits, not a service: it exports no telemetry (the manifests' Job sets none either).
            .WithEnvironment(context =>
            {
                foreach (var key in context.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
                {
                    context.EnvironmentVariables.Remove(key);
                }
            })
            .WithEnvironment($"ConnectionStrings__{MigratorConnectionName}",
                infra.DatabaseLogin(credentials.MigratorRole, credentials.MigratorPassword.Resource))
            .WaitFor(infra.Database);
        return service
            .WithEnvironment($"ConnectionStrings__{InfrastructureExtensions.DatabaseName}",
                infra.DatabaseLogin(credentials.DatabaseRole, credentials.DatabasePassword.Resource))
            .WithEnvironment("ConnectionStrings__redis", infra.RedisLogin(credentials.RedisUser, credentials.RedisPassword.Resource))
            .WaitFor(infra.Database)
            .WaitForCompletion(migrate)
            .WaitFor(infra.Redis);
    }
}
