using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// Finds the key a request presents, by the SHA-256 of the header value. Deliberately not cached: the lookup is
/// one point read on the unique index <c>ux_api_keys_key_hash</c> (well under a millisecond), and reading it on
/// every request is what makes a revocation by the <c>keys</c> command (another process, which cannot reach an
/// in-memory cache of every replica) effective on the very next request.
/// </summary>
public sealed class ApiKeyStore(TransactionDbContext db)
{
    public Task<ApiKeyCredential?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(presentedKey);
        return db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash)
            .Select(k => new ApiKeyCredential(k.Id, k.ExternalServiceId, k.ExternalService!.Code, k.KeyPrefix, k.Permissions, k.RateLimits,
                k.ExpiresAt, k.RevokedAt, k.IsActive, k.ExternalService!.IsActive, k.LineageId ?? k.Id))
            .SingleOrDefaultAsync(cancellationToken);
    }
}
