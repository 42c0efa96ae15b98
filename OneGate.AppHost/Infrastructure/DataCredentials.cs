namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Every login the data stores get besides their admin: per service (<see cref="ServiceCredentials"/>), the backup
/// job's read-only Postgres role, and the Redis users of Kong and of the back-office console (which has no database). Generated once and kept in the AppHost's user secrets, like
/// the admin passwords; a deployment supplies its own (manifests/README.md, "Secrets").
/// </summary>
public sealed class DataCredentials
{
    public static readonly string[] Services = ["auth", "payment", "transaction"];

    /// <summary>The console's Redis ACL user: its Data Protection keys only (manifests/base/data/redis-users.acl).</summary>
    public const string BackofficeRedisUser = "onegate-backoffice";

    private DataCredentials(IReadOnlyList<ServiceCredentials> services, IResourceBuilder<ParameterResource> backupPassword,
        IResourceBuilder<ParameterResource> kongRedisPassword, IResourceBuilder<ParameterResource> backofficeRedisPassword)
    {
        ForServices = services;
        BackupPassword = backupPassword;
        KongRedisPassword = kongRedisPassword;
        BackofficeRedisPassword = backofficeRedisPassword;
    }

    public IReadOnlyList<ServiceCredentials> ForServices { get; }

    public IResourceBuilder<ParameterResource> BackupPassword { get; }

    public IResourceBuilder<ParameterResource> KongRedisPassword { get; }

    public IResourceBuilder<ParameterResource> BackofficeRedisPassword { get; }

    public ServiceCredentials For(string service) => ForServices.SingleOrDefault(s => s.Service == service)
        ?? throw new InvalidOperationException($"No data credentials for '{service}' (known: {string.Join(", ", Services)})");

    /// <summary>Postgres login role → its password, for postgres-roles.sql.</summary>
    public IEnumerable<(string Role, IResourceBuilder<ParameterResource> Password)> DatabaseLogins() =>
        ForServices.SelectMany(s => new[] { (s.DatabaseRole, s.DatabasePassword), (s.MigratorRole, s.MigratorPassword) })
            .Append(("onegate_backup", BackupPassword));

    /// <summary>Redis ACL user → its password, for redis-acl.sh (REDIS_PASSWORD_ONEGATE_AUTH, ...).</summary>
    public IEnumerable<(string User, IResourceBuilder<ParameterResource> Password)> RedisUsers() =>
        ForServices.Select(s => (s.RedisUser, s.RedisPassword)).Append(("onegate-kong", KongRedisPassword))
            .Append((BackofficeRedisUser, BackofficeRedisPassword));

    public static string RedisPasswordVariable(string user) => "REDIS_PASSWORD_" + user.ToUpperInvariant().Replace('-', '_');

    public static DataCredentials Add(IDistributedApplicationBuilder builder)
    {
        var services = Services.Select(service => new ServiceCredentials(service,
            Secret(builder, $"postgres-{service}-password"),
            Secret(builder, $"postgres-{service}-migrator-password"),
            Secret(builder, $"redis-{service}-password"))).ToList();
        return new DataCredentials(services, Secret(builder, "postgres-backup-password"), Secret(builder, "redis-kong-password"),
            Secret(builder, "redis-backoffice-password"));
    }

    private static IResourceBuilder<ParameterResource> Secret(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
