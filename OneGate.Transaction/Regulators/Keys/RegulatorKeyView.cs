using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>A regulator key as operators see it (never its secret or hash); also its audit before/after.</summary>
/// <param name="Status">ACTIVE, GRACE (rotated, valid until <paramref name="ExpiresAt"/>), EXPIRED or REVOKED.</param>
public sealed record RegulatorKeyView(Guid Id, int ServiceId, string Prefix, string Name, ApiPermission[] Permissions, RateLimitsView RateLimits,
    string Status, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, Guid? RotatedFromId)
{
    public static RegulatorKeyView From(ApiKey key, bool rotated, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var status = key.RevokedAt is not null || !key.IsActive ? "REVOKED"
            : key.ExpiresAt is { } e && e <= now ? "EXPIRED"
            : rotated ? "GRACE"
            : "ACTIVE";
        return new RegulatorKeyView(key.Id, key.ExternalServiceId, key.KeyPrefix, key.Name, key.Permissions, RateLimitsView.Of(key.RateLimits), status,
            key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.CreatedAt, key.UpdatedAt, key.RotatedFromId);
    }
}
