namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// What the services are wired to, whichever mode created it. <see cref="Database"/> and <see cref="Redis"/> carry
/// the admin login (readiness checks, tests); a service connects as itself through <see cref="DatabaseLogin"/> and
/// <see cref="RedisLogin"/> with its <see cref="Credentials"/> (ServiceDataAccessExtensions.WithDataAccess).
/// </summary>
public sealed record InfrastructureHandles(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> Kafka,
    DataCredentials Credentials,
    Func<string, ParameterResource, ReferenceExpression> DatabaseLogin,
    Func<string, ParameterResource, ReferenceExpression> RedisLogin);
