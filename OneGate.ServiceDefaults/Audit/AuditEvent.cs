namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// One row of the append-only audit trail (table <c>audit_events</c>): who did what to what, when, from where.
/// <see cref="Hash"/> chains it to the row before (<see cref="AuditChain"/>); rows are only ever inserted,
/// by <see cref="AuditTrail"/>, and the service's database login may not update or delete them.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Position in the chain: 1, 2, 3, … without gaps (assigned under the chain lock, not by a sequence).</summary>
    public long Id { get; set; }

    /// <summary>When it was recorded, to the microsecond (what Postgres stores).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary><see cref="AuditActorType"/>: USER, OPERATOR, SYSTEM or ANONYMOUS.</summary>
    public required string ActorType { get; set; }

    public string? ActorId { get; set; }

    /// <summary>The actor's name when it is an operator (the console shows who did it); null for users.</summary>
    public string? ActorName { get; set; }

    /// <summary>The operator's role the action was allowed under.</summary>
    public string? ActorRole { get; set; }

    /// <summary>What happened, e.g. <c>user.login.failure</c> (each service lists its own actions).</summary>
    public required string Action { get; set; }

    public string? TargetType { get; set; }

    public string? TargetId { get; set; }

    /// <summary>The changed data before the change, as JSON text (stored verbatim: type <c>json</c>).</summary>
    public string? Before { get; set; }

    /// <summary>The changed data after the change, as JSON text.</summary>
    public string? After { get; set; }

    public string? Reason { get; set; }

    public string? ClientAddress { get; set; }

    /// <summary>The W3C trace id of the request, to find its logs and spans.</summary>
    public string? TraceId { get; set; }

    /// <summary>SHA-256 over the previous row's hash and this row's canonical form (32 bytes).</summary>
    public required byte[] Hash { get; set; }
}
