namespace OneGate.ServiceDefaults.Audit;

/// <summary>What a caller records; <see cref="AuditTrail"/> adds the id, the time, the trace id and the hash.</summary>
public sealed record AuditEntry(string Action, string ActorType)
{
    public string? ActorId { get; init; }

    public string? ActorName { get; init; }

    public string? ActorRole { get; init; }

    public string? TargetType { get; init; }

    public string? TargetId { get; init; }

    /// <summary>JSON text of the changed data before the change.</summary>
    public string? Before { get; init; }

    /// <summary>JSON text of the changed data after the change.</summary>
    public string? After { get; init; }

    public string? Reason { get; init; }

    public string? ClientAddress { get; init; }
}
