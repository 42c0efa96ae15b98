namespace OneGate.AppHost.Infrastructure;

/// <summary>How the AppHost provides Postgres, Redis and Kafka (configuration <c>OneGate:Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, Local otherwise.</summary>
    Auto,

    /// <summary>Postgres 17, Redis 7, Kafka (KRaft) and Kong as containers.</summary>
    Containers,

    /// <summary>The machine's Postgres and redis-server, and our librdkafka mock-cluster broker, as processes; no Kong.</summary>
    Local,
}
