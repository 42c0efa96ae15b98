namespace OneGate.AppHost.Infrastructure;

/// <summary>A redis-server process run by <c>local/redis.sh</c> (password and data directory from the AppHost).</summary>
public sealed class LocalRedisResource(string name, ParameterResource password, string script)
    : ExecutableResource(name, "bash", Path.GetDirectoryName(script)!), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},password={password}");
}
