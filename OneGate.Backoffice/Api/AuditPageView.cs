namespace OneGate.Backoffice.Api;

/// <summary>A page of an audit trail, newest first; <see cref="NextCursor"/> asks for the older rows.</summary>
public sealed record AuditPageView(IReadOnlyList<AuditEventView> Items, long? NextCursor);
