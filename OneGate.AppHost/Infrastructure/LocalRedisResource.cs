namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// A redis-server process run by <c>local/redis.sh</c> (admin password, ACL users and data directory from the AppHost).
/// </summary>
public sealed class LocalRedisResource(string name, ParameterResource password, string script)
    : ExecutableResource(name, "bash", Path.GetDirectoryName(script)!), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference Endpoint => new(this, EndpointName);

    /// <summary>The default user, Redis's password-protected admin (readiness check, tests); services use <see cref="ConnectionStringAs"/>.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},password={password}");

    public ReferenceExpression ConnectionStringAs(string user, ParameterResource userPassword) => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},user={user},password={userPassword}");
}
