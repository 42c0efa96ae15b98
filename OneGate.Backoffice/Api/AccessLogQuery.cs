namespace OneGate.Backoffice.Api;

/// <summary>The access logs' filters (all optional): service, key, time range (local form times meant as UTC).</summary>
public sealed record AccessLogQuery(string? ServiceId, string? KeyId, string? From, string? To)
{
    public (string Name, string? Value)[] Parameters() =>
        [("serviceId", ServiceId), ("keyId", KeyId), ("from", AuditQuery.Utc(From)), ("to", AuditQuery.Utc(To))];
}
