namespace OneGate.Backoffice.Api;

/// <summary>A page of access logs, newest first; <see cref="NextCursor"/> asks for older ones.</summary>
public sealed record AccessLogPage(IReadOnlyList<AccessLogView> Items, string? NextCursor);
