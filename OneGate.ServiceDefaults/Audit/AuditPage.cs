namespace OneGate.ServiceDefaults.Audit;

/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; null on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEventResponse> Items, long? NextCursor);
