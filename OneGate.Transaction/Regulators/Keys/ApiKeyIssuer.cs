using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>Issues, rotates and revokes regulator keys. The plain key leaves only as the return value of an issue.</summary>
public sealed class ApiKeyIssuer(TransactionDbContext db, TimeProvider clock)
{
    public sealed record Issued(ApiKey Key, string Secret)
    {
        // The generated ToString would print the secret (e.g. into a log line).
        private bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append($"Key = {Key.Id}, Secret = [redacted]");
            return true;
        }
    }

    /// <summary>The service row by code; a known regulator's row is created on first use.</summary>
    public async Task<ExternalService?> ServiceAsync(string code, CancellationToken cancellationToken)
    {
        var service = await db.ExternalServices.SingleOrDefaultAsync(s => s.Code == code, cancellationToken);
        if (service is null && RegulatorServices.Known.TryGetValue(code, out var name))
        {
            var now = clock.GetUtcNow();
            service = new ExternalService { Code = code, Name = name, RateLimits = RateLimitDefaults.For(code), CreatedAt = now, UpdatedAt = now };
            db.ExternalServices.Add(service);
            await db.SaveChangesAsync(cancellationToken);
        }

        return service;
    }

    public async Task<Issued> CreateAsync(ExternalService service, string name, ApiPermission[] permissions,
        List<RateLimitWindow> windows, DateTimeOffset? expiresAt, ApiKey? rotatedFrom, CancellationToken cancellationToken)
    {
        var secret = ApiKeySecret.Generate();
        var key = New(service.Id, name, secret, permissions, windows, expiresAt);
        key.RotatedFromId = rotatedFrom?.Id;
        key.LineageId = rotatedFrom?.RateLimitId;
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new Issued(key, secret);
    }

    /// <summary>
    /// A new key with the old one's service, name, permissions and limits, in the caller's transaction. The old key stays
    /// valid for <paramref name="grace"/> (its expiry is brought forward to now + grace), or is revoked at once when the
    /// grace is zero. The new key keeps the old key's lifetime length when it had one.
    /// </summary>
    public async Task<Issued> RotateAsync(ApiKey old, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(old);
        var now = clock.GetUtcNow();
        DateTimeOffset? expiresAt = old.ExpiresAt is { } e ? now + (e - old.CreatedAt) : null;
        var service = await db.ExternalServices.SingleAsync(s => s.Id == old.ExternalServiceId, cancellationToken);
        if (grace <= TimeSpan.Zero)
        {
            Revoke(old, now);
        }
        else if (old.ExpiresAt is null || old.ExpiresAt > now + grace)
        {
            old.ExpiresAt = now + grace;
            old.UpdatedAt = now;
        }

        return await CreateAsync(service, old.Name, old.Permissions, [.. old.RateLimits.Select(w => new RateLimitWindow { Unit = w.Unit, Limit = w.Limit })],
            expiresAt, old, cancellationToken);
    }

    public void Revoke(ApiKey key, DateTimeOffset now)
    {
        key.RevokedAt ??= now;
        key.IsActive = false;
        key.UpdatedAt = now;
    }

    public ApiKey New(int serviceId, string name, string secret, ApiPermission[] permissions, List<RateLimitWindow> windows, DateTimeOffset? expiresAt)
    {
        var now = clock.GetUtcNow();
        var key = new ApiKey
        {
            ExternalServiceId = serviceId,
            Name = name,
            KeyPrefix = ApiKeySecret.Prefix(secret),
            KeyHash = ApiKeySecret.Hash(secret),
            Permissions = [.. permissions.Distinct().Order()],
            ExpiresAt = expiresAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        RateLimitDefaults.Apply(key, windows);
        return key;
    }
}
