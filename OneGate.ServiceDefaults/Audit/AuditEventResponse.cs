namespace OneGate.ServiceDefaults.Audit;

/// <summary>One row of the audit trail as COMPLIANCE browses it; <c>before</c>/<c>after</c> are the stored JSON text.</summary>
public sealed record AuditEventResponse(long Id, DateTimeOffset OccurredAt, string ActorType, string? ActorId, string? ActorName, string? ActorRole,
    string Action, string? TargetType, string? TargetId, string? Before, string? After, string? Reason, string? ClientAddress, string? TraceId,
    string Hash)
{
    public static AuditEventResponse From(AuditEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new AuditEventResponse(row.Id, row.OccurredAt, row.ActorType, row.ActorId, row.ActorName, row.ActorRole, row.Action, row.TargetType,
            row.TargetId, row.Before, row.After, row.Reason, row.ClientAddress, row.TraceId, Convert.ToHexStringLower(row.Hash));
    }
}
