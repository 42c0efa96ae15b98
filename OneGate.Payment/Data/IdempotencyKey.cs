namespace OneGate.Payment.Data;

/// <summary>
/// The first request and response of a caller's <c>Idempotency-Key</c> (table <c>idempotency_keys</c>),
/// kept 24 h so a retry replays the response instead of moving money twice.
/// </summary>
public sealed class IdempotencyKey
{
    /// <summary>Keys are scoped to the caller.</summary>
    public int UserId { get; set; }

    /// <summary>The header value, 1–255 printable ASCII chars.</summary>
    public required string Key { get; set; }

    public required string RequestMethod { get; set; }

    public required string RequestPath { get; set; }

    /// <summary>SHA-256 hex of the canonical request body; a different body is 422 IDEMPOTENCY_KEY_REUSED.</summary>
    public required string RequestHash { get; set; }

    public IdempotencyStatus Status { get; set; } = IdempotencyStatus.InProgress;

    public int? ResponseStatus { get; set; }

    /// <summary>Replayed as-is, so a problem response keeps <c>application/problem+json</c>.</summary>
    public string? ResponseContentType { get; set; }

    /// <summary>The first response body, byte for byte (<c>text</c>, not <c>jsonb</c>, which would reorder it).</summary>
    public string? ResponseBody { get; set; }

    /// <summary>The transaction the request created, if any.</summary>
    public string? TransactionId { get; set; }

    /// <summary>While in progress: another request with this key gets 409 REQUEST_IN_PROGRESS until then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>24 h after creation; expired rows are pruned.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
