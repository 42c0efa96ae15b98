namespace OneGate.Backoffice.Api;

/// <summary>One request of a regulator to /api/external.</summary>
public sealed record AccessLogView(Guid Id, int? ServiceId, string? ServiceCode, Guid? KeyId, string? KeyPrefix, string Endpoint, string Method,
    string? IpAddress, string? UserAgent, int StatusCode, int? ResponseTimeMs, DateTimeOffset CreatedAt);
