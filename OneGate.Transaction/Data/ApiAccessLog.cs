namespace OneGate.Transaction.Data;

/// <summary>One request that named a known API key, allowed or not (table <c>api_access_logs</c>).</summary>
public sealed class ApiAccessLog
{
    /// <summary>
    /// Made when the request's row is queued (a version 7 UUID: time-ordered), never by the database: a batch
    /// written again after a lost commit acknowledgement finds its rows already there and adds nothing.
    /// </summary>
    public Guid Id { get; set; }

    /// <summary>Set to null if the key is deleted; the log row stays.</summary>
    public Guid? ApiKeyId { get; set; }

    /// <summary>Copied from the key so the row still says who called after the key is gone.</summary>
    public int? ExternalServiceId { get; set; }

    public required string Endpoint { get; set; }

    public required string Method { get; set; }

    public required string IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public int StatusCode { get; set; }

    public int? ResponseTimeMs { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
