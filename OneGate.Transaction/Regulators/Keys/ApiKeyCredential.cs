using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>What a request needs to know about the key it presented (read per request, nothing secret in it).</summary>
public sealed record ApiKeyCredential(
    Guid Id, int ExternalServiceId, string ServiceCode, string Prefix, ApiPermission[] Permissions, IReadOnlyList<RateLimitWindow> Windows,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, bool KeyActive, bool ServiceActive, Guid RateLimitId)
{
    public bool IsUsableAt(DateTimeOffset now) =>
        KeyActive && ServiceActive && RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
