namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// One service's own logins (docs/operations.md, "Least privilege"): a Postgres role for the running service, a
/// Postgres role that runs its migrations and owns its schema objects, and a Redis ACL user. The names match
/// manifests/base/data/postgres-roles.sql and redis-users.acl; the passwords are generated secret parameters.
/// </summary>
public sealed record ServiceCredentials(
    string Service,
    IResourceBuilder<ParameterResource> DatabasePassword,
    IResourceBuilder<ParameterResource> MigratorPassword,
    IResourceBuilder<ParameterResource> RedisPassword)
{
    public string DatabaseRole => $"onegate_{Service}";

    public string MigratorRole => $"onegate_{Service}_migrator";

    public string RedisUser => $"onegate-{Service}";
}
