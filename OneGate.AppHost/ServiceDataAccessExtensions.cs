using OneGate.AppHost.Infrastructure;

namespace OneGate.AppHost;

/// <summary>
/// Connects a service to Postgres and Redis as itself (docs/operations.md, "Least privilege"): its own Postgres
/// login with DML on its own tables only, its migrator's login for the migrations it runs at start, and its own
/// Redis ACL user. No service gets the admin logins.
/// </summary>
internal static class ServiceDataAccessExtensions
{
    /// <summary>The connection the service's migrations run on (OneGate.ServiceDefaults MigrationExtensions).</summary>
    public const string MigratorConnectionName = InfrastructureExtensions.DatabaseName + "-migrator";

    public static IResourceBuilder<ProjectResource> WithDataAccess(this IResourceBuilder<ProjectResource> service, InfrastructureHandles infra)
    {
        var credentials = infra.Credentials.For(service.Resource.Name);
        return service
            .WithEnvironment($"ConnectionStrings__{InfrastructureExtensions.DatabaseName}",
                infra.DatabaseLogin(credentials.DatabaseRole, credentials.DatabasePassword.Resource))
            .WithEnvironment($"ConnectionStrings__{MigratorConnectionName}",
                infra.DatabaseLogin(credentials.MigratorRole, credentials.MigratorPassword.Resource))
            .WithEnvironment("ConnectionStrings__redis", infra.RedisLogin(credentials.RedisUser, credentials.RedisPassword.Resource))
            .WaitFor(infra.Database)
            .WaitFor(infra.Redis);
    }
}
