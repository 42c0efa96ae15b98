using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// Regulator services and keys, changed and audited: the one core of the back office's API (operators) and the
/// <c>keys</c> command (SYSTEM). Each action is one transaction: it locks the row it changes (<c>FOR UPDATE</c>), reads
/// it again, decides, writes, and appends its audit row last. Concurrent actions on one key therefore run one after the
/// other, and the later ones see the earlier ones' result (one rotation, one revocation, one audit row per change).
/// Nothing caches keys (<see cref="ApiKeyStore"/> reads the row on every request), so a revocation is refused by every
/// replica from its commit on.
/// </summary>
public sealed class KeyLifecycle(TransactionDbContext db, ApiKeyIssuer issuer, TransactionAudit audit, TimeProvider clock)
{
    /// <summary>A key's name: 1 to this many characters (the API and the command alike).</summary>
    public const int MaxNameLength = 100;

    /// <summary>A key's lifetime at issue: 1 to this many days (the API and the command alike).</summary>
    public const int MaxKeyLifetimeDays = 3650;

    private const string KeyTarget = "api_key";
    private const string ServiceTarget = "regulator_service";

    /// <summary>A new service, whose permissions and windows are its new keys' defaults.</summary>
    public async Task<KeyActionResult> CreateServiceAsync(ExternalService service, AuditActor actor, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(service);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Serialises creations, so a taken code or name is a 409 rather than a unique-index violation.
        await db.Database.ExecuteSqlAsync($"LOCK TABLE transaction.external_services IN SHARE ROW EXCLUSIVE MODE", ct);
        if (await db.ExternalServices.AnyAsync(s => s.Code == service.Code || s.Name == service.Name, ct))
        {
            return KeyActionResult.Refused(KeyRefusal.ServiceExists);
        }

        service.CreatedAt = service.UpdatedAt = clock.GetUtcNow();
        db.ExternalServices.Add(service);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(db, actor, TransactionAuditActions.ServiceCreate, ServiceTarget, service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, RegulatorServiceView.From(service, [], clock.GetUtcNow()), reason, ct);
        await transaction.CommitAsync(ct);
        return new KeyActionResult(KeyRefusal.None, Service: service);
    }

    /// <summary>A new key of the service: the secret is in the result and nowhere else.</summary>
    public async Task<KeyActionResult> IssueAsync(int serviceId, string name, ApiPermission[]? permissions, List<RateLimitWindow>? windows,
        DateTimeOffset? expiresAt, AuditActor actor, string? reason, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM transaction.external_services WHERE id = {serviceId} FOR SHARE", ct);
        var service = await db.ExternalServices.SingleOrDefaultAsync(s => s.Id == serviceId, ct);
        if (service is null || !service.IsActive)
        {
            return KeyActionResult.Refused(service is null ? KeyRefusal.ServiceNotFound : KeyRefusal.ServiceInactive);
        }

        var issued = await issuer.CreateAsync(service, name, permissions ?? service.Permissions,
            windows ?? [.. service.RateLimits.Select(w => new RateLimitWindow { Unit = w.Unit, Limit = w.Limit })], expiresAt, rotatedFrom: null, ct);
        await RecordAsync(TransactionAuditActions.KeyIssue, issued.Key, null, View(issued.Key, false), actor, reason, ct);
        await transaction.CommitAsync(ct);
        return new KeyActionResult(KeyRefusal.None, issued.Key, issued.Secret, Service: service);
    }

    /// <summary>
    /// A successor with the key's settings; the key itself stays valid for <paramref name="grace"/> (revoked at once when
    /// zero). A key is rotated once: a second rotation (e.g. a double click) is refused, so it cannot leave two successors.
    /// </summary>
    public async Task<KeyActionResult> RotateAsync(Guid keyId, TimeSpan grace, AuditActor actor, string? reason, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var old = await LockKeyAsync(keyId, ct);
        if (Refusal(old, forRevoke: false) is { } refused)
        {
            return KeyActionResult.Refused(refused);
        }

        if (await db.ApiKeys.AnyAsync(k => k.RotatedFromId == keyId, ct))
        {
            return KeyActionResult.Refused(KeyRefusal.KeyAlreadyRotated);
        }

        // As issuing: a deactivated service gets no new key, a successor included.
        if (!await db.ExternalServices.AnyAsync(s => s.Id == old!.ExternalServiceId && s.IsActive, ct))
        {
            return KeyActionResult.Refused(KeyRefusal.ServiceInactive);
        }

        var before = View(old!, false);
        ApiKeyIssuer.Issued issued;
        try
        {
            issued = await issuer.RotateAsync(old!, grace, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ApiKeyConfiguration.RotatedFromIndex })
        {
            return KeyActionResult.Refused(KeyRefusal.KeyAlreadyRotated);
        }

        await RecordAsync(TransactionAuditActions.KeyRotate, old!, before, new { previous = View(old!, true), successor = View(issued.Key, false) }, actor, reason, ct);
        await transaction.CommitAsync(ct);
        return new KeyActionResult(KeyRefusal.None, issued.Key, issued.Secret, old);
    }

    /// <summary>Refused from the commit on, by every replica (a key in its rotation grace too).</summary>
    public async Task<KeyActionResult> RevokeAsync(Guid keyId, AuditActor actor, string? reason, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var key = await LockKeyAsync(keyId, ct);
        if (Refusal(key, forRevoke: true) is { } refused)
        {
            return KeyActionResult.Refused(refused);
        }

        var rotated = await db.ApiKeys.AnyAsync(k => k.RotatedFromId == keyId, ct);
        var before = View(key!, rotated);
        issuer.Revoke(key!, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await RecordAsync(TransactionAuditActions.KeyRevoke, key!, before, View(key!, rotated), actor, reason, ct);
        await transaction.CommitAsync(ct);
        return new KeyActionResult(KeyRefusal.None, key);
    }

    /// <summary>New windows for a usable key (the rate limiter reads them with the key on its next request).</summary>
    public async Task<KeyActionResult> SetLimitsAsync(Guid keyId, List<RateLimitWindow> windows, AuditActor actor, string? reason, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var key = await LockKeyAsync(keyId, ct);
        if (Refusal(key, forRevoke: false) is { } refused)
        {
            return KeyActionResult.Refused(refused);
        }

        var rotated = await db.ApiKeys.AnyAsync(k => k.RotatedFromId == keyId, ct);
        var before = View(key!, rotated);
        RateLimitDefaults.Apply(key!, windows);
        key!.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await RecordAsync(TransactionAuditActions.KeyLimits, key, before, View(key, rotated), actor, reason, ct);
        await transaction.CommitAsync(ct);
        return new KeyActionResult(KeyRefusal.None, key);
    }

    /// <summary>Why a lifetime given at issue is refused; null when it is fine (or not given).</summary>
    public static string? LifetimeError(int? days) =>
        days is < 1 or > MaxKeyLifetimeDays ? $"A whole number of days from 1 to {MaxKeyLifetimeDays}." : null;

    public RegulatorKeyView View(ApiKey key, bool rotated) => RegulatorKeyView.From(key, rotated, clock.GetUtcNow());

    /// <summary>Locks the key's row, then reads it (after the lock: what a concurrent action committed meanwhile).</summary>
    private async Task<ApiKey?> LockKeyAsync(Guid keyId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM transaction.api_keys WHERE id = {keyId} FOR UPDATE", ct);
        return await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
    }

    private KeyRefusal? Refusal(ApiKey? key, bool forRevoke) => key switch
    {
        null => KeyRefusal.KeyNotFound,
        { RevokedAt: not null } or { IsActive: false } => forRevoke ? KeyRefusal.KeyAlreadyRevoked : KeyRefusal.KeyNotActive,
        { ExpiresAt: { } e } when !forRevoke && e <= clock.GetUtcNow() => KeyRefusal.KeyNotActive,
        _ => null,
    };

    private Task RecordAsync(string action, ApiKey key, object? before, object after, AuditActor actor, string? reason, CancellationToken ct) =>
        audit.RecordAsync(db, actor, action, KeyTarget, key.Id.ToString(), before, after, reason, ct);
}
