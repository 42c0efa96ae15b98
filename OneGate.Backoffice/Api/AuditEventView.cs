namespace OneGate.Backoffice.Api;

/// <summary>One row of a service's audit trail.</summary>
public sealed record AuditEventView(long Id, DateTimeOffset OccurredAt, string ActorType, string? ActorId, string? ActorName, string? ActorRole,
    string Action, string? TargetType, string? TargetId, string? Before, string? After, string? Reason, string? ClientAddress, string? TraceId, string Hash);
