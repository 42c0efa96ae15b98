namespace OneGate.ServiceDefaults.Audit;

/// <summary>Who an audit event is attributed to (<c>audit_events.actor_type</c>).</summary>
public static class AuditActorType
{
    public const string User = "USER";
    public const string Operator = "OPERATOR";
    public const string System = "SYSTEM";

    /// <summary>Nobody authenticated, e.g. a failed login (its target says whose account was tried).</summary>
    public const string Anonymous = "ANONYMOUS";
}
