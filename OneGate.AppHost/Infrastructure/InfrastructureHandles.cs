namespace OneGate.AppHost.Infrastructure;

/// <summary>What the services are wired to, whichever mode created it.</summary>
public sealed record InfrastructureHandles(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> Kafka);
