using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Tokens;
using OneGate.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace OneGate.Auth.Sessions;

/// <summary>
/// Login sessions: the refresh-token rows in Postgres (the durable record, rotation and reuse detection)
/// and the live-session key in Redis that every service checks on each request.
/// </summary>
public sealed class SessionRegistry(AuthDbContext db, IConnectionMultiplexer redis, TokenIssuer issuer, TimeProvider time, AuthAudit audit)
{
    // The first key of the two-key advisory locks: the user's session lock is (this, user id).
    private const int SessionLockSpace = 0x5E55_1075;

    /// <summary>Starts a session: its first refresh token and the login's audit event commit together.</summary>
    public async Task<TokenPair> StartAsync(int userId, string? userAgent, string? ip, CancellationToken cancellationToken)
    {
        var sessionId = Guid.NewGuid();
        var refreshToken = TokenIssuer.NewRefreshToken();
        var familyId = Guid.NewGuid();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Authentications.Add(NewRow(refreshToken, userId, sessionId, familyId, userAgent, ip));
            await db.SaveChangesAsync(ct);
            await audit.LoginSucceededAsync(userId, sessionId, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        await redis.GetDatabase().StringSetAsync(SessionKeys.For(sessionId.ToString()), userId, issuer.RefreshTokenLifetime);
        return issuer.Issue(userId, sessionId, refreshToken);
    }

    /// <summary>Exchanges a refresh token for a new pair; the presented token stops working.</summary>
    public async Task<RotationResult> RotateAsync(string refreshToken, string? userAgent, string? ip, CancellationToken cancellationToken)
    {
        var hash = TokenIssuer.HashRefreshToken(refreshToken);
        var row = await db.Authentications.AsNoTracking().SingleOrDefaultAsync(a => a.TokenHash == hash, cancellationToken);
        if (row is null)
        {
            return RotationResult.Invalid;
        }

        var now = time.GetUtcNow();
        if (row.RevokedAt is not null)
        {
            // A rotated token presented again means two parties hold it: end every session of the user. Shortly
            // after its rotation it is more likely a retried request whose answer was lost: refuse it, revoke nothing.
            var reuse = row.ReplacedBy is not null && now - row.RevokedAt.Value >= issuer.RotatedTokenGrace;
            return reuse ? await ReuseDetectedAsync(row, cancellationToken) : RotationResult.Invalid;
        }

        var userActive = await db.Users.AnyAsync(u => u.Id == row.UserId && u.IsActive, cancellationToken);
        if (row.ExpiresAt <= now || !userActive)
        {
            return RotationResult.Invalid;
        }

        // The session's new expiry is written first: when Redis fails here the answer is 503 and nothing has changed,
        // so the client's retry with the same token rotates normally. False: the session has ended (logged out).
        if (!await redis.GetDatabase().KeyExpireAsync(SessionKeys.For(row.SessionId.ToString()), issuer.RefreshTokenLifetime))
        {
            return RotationResult.Invalid;
        }

        var next = TokenIssuer.NewRefreshToken();
        if (!await RotateRowAsync(row, hash, next, now, userAgent, ip, cancellationToken))
        {
            // Lost the conditional update: a concurrent refresh with the same token won (a retry, not theft), or a
            // logout revoked the token meanwhile. Neither ends other sessions.
            return RotationResult.Invalid;
        }

        audit.Refreshed(row.UserId, row.SessionId);
        return RotationResult.Rotated(issuer.Issue(row.UserId, row.SessionId, next));
    }

    /// <summary>
    /// Replaces the presented token's row by the next one, under the user's session lock: a logout or a reuse
    /// revocation of this user runs wholly before (the conditional update then finds the token revoked) or wholly
    /// after (and revokes the new row too), so a new pair never outlives its session.
    /// </summary>
    private async Task<bool> RotateRowAsync(Authentication row, string hash, string next, DateTimeOffset now,
        string? userAgent, string? ip, CancellationToken cancellationToken)
    {
        var nextHash = TokenIssuer.HashRefreshToken(next);
        // The execution strategy retries the whole unit on a transient failure (Aspire enables retries).
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await LockUserSessionsAsync(row.UserId, ct);
            // Conditional update: of two concurrent refreshes with one token, exactly one wins.
            var updated = await db.Authentications
                .Where(a => a.TokenHash == hash && a.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now).SetProperty(a => a.ReplacedBy, nextHash), ct);
            if (updated == 0)
            {
                return false;
            }

            db.Authentications.Add(NewRow(next, row.UserId, row.SessionId, row.FamilyId, userAgent, ip));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Begins a transaction holding the user's session lock (a transaction-scoped advisory lock, released at commit
    /// or rollback), which every change to the user's refresh-token rows takes: rotation, logout, reuse revocation.
    /// </summary>
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> LockUserSessionsAsync(int userId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SessionLockSpace}, {userId})", cancellationToken);
        return transaction;
    }

    /// <summary>Ends one session: its access tokens fail at every service at once, its refresh tokens are revoked.</summary>
    public async Task EndAsync(int userId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await redis.GetDatabase().KeyDeleteAsync(SessionKeys.For(sessionId.ToString()));
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await LockUserSessionsAsync(userId, ct);
            await db.Authentications
                .Where(a => a.UserId == userId && a.SessionId == sessionId && a.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now), ct);
            await audit.LoggedOutAsync(userId, sessionId, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    /// <summary>The session a refresh token belongs to, if it is this user's.</summary>
    public async Task<Guid?> SessionOfAsync(int userId, string refreshToken, CancellationToken cancellationToken)
    {
        var hash = TokenIssuer.HashRefreshToken(refreshToken);
        return await db.Authentications.Where(a => a.TokenHash == hash && a.UserId == userId)
            .Select(a => (Guid?)a.SessionId).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<RotationResult> ReuseDetectedAsync(Authentication row, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessions = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await LockUserSessionsAsync(row.UserId, ct);
            var live = await db.Authentications
                .Where(a => a.UserId == row.UserId && a.ExpiresAt > now)
                .Select(a => a.SessionId).Distinct().ToListAsync(ct);
            await db.Authentications
                .Where(a => a.UserId == row.UserId && a.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now), ct);
            await audit.RefreshReuseDetectedAsync(row.UserId, row.SessionId, live.Count, ct);
            await transaction.CommitAsync(ct);
            return live;
        }, cancellationToken);
        if (sessions.Count > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync(sessions.Select(s => (RedisKey)SessionKeys.For(s.ToString())).ToArray());
        }

        return RotationResult.Reused;
    }

    private Authentication NewRow(string refreshToken, int userId, Guid sessionId, Guid familyId, string? userAgent, string? ip)
    {
        var now = time.GetUtcNow();
        return new Authentication
        {
            TokenHash = TokenIssuer.HashRefreshToken(refreshToken),
            UserId = userId,
            SessionId = sessionId,
            FamilyId = familyId,
            CreatedAt = now,
            ExpiresAt = now + issuer.RefreshTokenLifetime,
            UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
            IpAddress = ip,
        };
    }
}

public sealed record RotationResult(TokenPair? Tokens, bool IsReuse)
{
    public static readonly RotationResult Invalid = new(null, false);
    public static readonly RotationResult Reused = new(null, true);

    public static RotationResult Rotated(TokenPair tokens) => new(tokens, false);
}
