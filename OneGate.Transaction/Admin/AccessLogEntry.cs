namespace OneGate.Transaction.Admin;

/// <summary>One regulator request as the access log recorded it, with the service's code and the key's prefix.</summary>
public sealed record AccessLogEntry(Guid Id, int? ServiceId, string? ServiceCode, Guid? KeyId, string? KeyPrefix, string Endpoint, string Method,
    string IpAddress, string? UserAgent, int StatusCode, int? ResponseTimeMs, DateTimeOffset CreatedAt);
