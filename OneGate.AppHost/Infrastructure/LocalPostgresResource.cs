namespace OneGate.AppHost.Infrastructure;

/// <summary>The machine's PostgreSQL server run by <c>local/postgres.sh</c> (initdb on first start, then exec postgres).</summary>
public sealed class LocalPostgresResource(string name, ParameterResource password, string databaseName, string script)
    : ExecutableResource(name, "bash", Path.GetDirectoryName(script)!), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference Endpoint => new(this, EndpointName);

    public string DatabaseName { get; } = databaseName;

    /// <summary>The bootstrap superuser's connection (readiness check, tests); services use <see cref="ConnectionStringAs"/>.</summary>
    public ReferenceExpression ConnectionStringExpression => ConnectionStringAs("postgres", password);

    public ReferenceExpression ConnectionStringAs(string role, ParameterResource rolePassword) => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={role};Password={rolePassword};Database={DatabaseName}");
}
