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
    public async Task<(TokenPair Tokens, Guid SessionId)> StartAsync(int userId, string? userAgent, string? ip, CancellationToken cancellationToken)
    {
        var sessionId = Guid.NewGuid();
        var refreshToken = TokenIssuer.NewRefreshToken();
        db.Authentications.Add(NewRow(refreshToken, userId, sessionId, familyId: Guid.NewGuid(), userAgent, ip));
        await db.SaveChangesAsync(cancellationToken);
        await redis.GetDatabase().StringSetAsync(SessionKeys.For(sessionId.ToString()), userId, issuer.RefreshTokenLifetime);
        return (issuer.Issue(userId, sessionId, refreshToken), sessionId);
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

        var sessionLive = await redis.GetDatabase().KeyExistsAsync(SessionKeys.For(row.SessionId.ToString()));
        var userActive = await db.Users.AnyAsync(u => u.Id == row.UserId && u.IsActive, cancellationToken);
        if (row.ExpiresAt <= now || !sessionLive || !userActive)
        {
            return RotationResult.Invalid;
        }

        var next = TokenIssuer.NewRefreshToken();
        var nextHash = TokenIssuer.HashRefreshToken(next);
        // The execution strategy retries the whole unit on a transient failure (Aspire enables retries).
        var rotated = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
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

        // Lost the conditional update: a concurrent refresh with the same token won (a retry, not theft), or a
        // logout revoked the token meanwhile. Neither ends other sessions.
        if (!rotated)
        {
            return RotationResult.Invalid;
        }

        // A logout that ended the session while this rotation committed may have missed the new row: the new pair
        // must not outlive the session.
        if (!await ExtendSessionOrUndoAsync(row, hash, nextHash))
        {
            await db.Authentications.Where(a => a.TokenHash == nextHash && a.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now), cancellationToken);
            return RotationResult.Invalid;
        }

        audit.Refreshed(row.UserId, row.SessionId);
        return RotationResult.Rotated(issuer.Issue(row.UserId, row.SessionId, next));
    }

    /// <summary>
    /// Extends the live-session key after the rotation committed. When Redis fails here the client never sees the
    /// new pair, so the rotation is undone and the failure rethrown (503 with Retry-After): the client's retry with
    /// the same token rotates normally instead of counting as a replay or as reuse.
    /// </summary>
    private async Task<bool> ExtendSessionOrUndoAsync(Authentication row, string hash, string nextHash)
    {
        try
        {
            return await redis.GetDatabase().KeyExpireAsync(SessionKeys.For(row.SessionId.ToString()), issuer.RefreshTokenLifetime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await UndoRotationAsync(hash, nextHash);
            throw;
        }
    }

    /// <summary>
    /// Deletes the undelivered token and makes the presented one current again, unless a logout has revoked the
    /// new row meanwhile (then the session is over and stays so). Runs to the end even if the client has gone.
    /// </summary>
    private async Task UndoRotationAsync(string hash, string nextHash)
    {
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var deleted = await db.Authentications.Where(a => a.TokenHash == nextHash && a.RevokedAt == null).ExecuteDeleteAsync();
            if (deleted == 1)
            {
                await db.Authentications.Where(a => a.TokenHash == hash && a.ReplacedBy == nextHash)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, (DateTimeOffset?)null).SetProperty(a => a.ReplacedBy, (string?)null));
            }

            await transaction.CommitAsync(CancellationToken.None);
        });
    }

    /// <summary>Ends one session: its access tokens fail at every service at once, its refresh tokens are revoked.</summary>
    public async Task EndAsync(int userId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await redis.GetDatabase().KeyDeleteAsync(SessionKeys.For(sessionId.ToString()));
        await db.Authentications
            .Where(a => a.UserId == userId && a.SessionId == sessionId && a.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now), cancellationToken);
        audit.LoggedOut(userId, sessionId);
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
        var sessions = await db.Authentications
            .Where(a => a.UserId == row.UserId && a.ExpiresAt > now)
            .Select(a => a.SessionId).Distinct().ToListAsync(cancellationToken);
        await db.Authentications
            .Where(a => a.UserId == row.UserId && a.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, now), cancellationToken);
        if (sessions.Count > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync(sessions.Select(s => (RedisKey)SessionKeys.For(s.ToString())).ToArray());
        }

        audit.RefreshReuseDetected(row.UserId, row.SessionId, sessions.Count);
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
