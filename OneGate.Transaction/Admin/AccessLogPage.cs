namespace OneGate.Transaction.Admin;

/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; null on the last page.</param>
public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Items, string? NextCursor);
