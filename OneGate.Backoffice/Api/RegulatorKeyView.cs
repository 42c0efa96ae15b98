namespace OneGate.Backoffice.Api;

/// <summary>A regulator API key as Transaction shows it (never its secret): ACTIVE, GRACE (rotated), EXPIRED or REVOKED.</summary>
public sealed record RegulatorKeyView(Guid Id, int ServiceId, string Prefix, string Name, IReadOnlyList<string> Permissions, RateLimits RateLimits,
    string Status, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, DateTimeOffset CreatedAt, Guid? RotatedFromId);
