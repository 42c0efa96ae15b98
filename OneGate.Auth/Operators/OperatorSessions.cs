using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Auth.Data;
using OneGate.Auth.Tokens;
using OneGate.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace OneGate.Auth.Operators;

/// <summary>
/// Operators' sessions: a Redis key per session whose lifetime is the idle timeout (every service slides it on each
/// request, <see cref="OperatorAuthentication"/>), and a set of each operator's session ids so that deactivating the
/// operator or changing its roles ends every session at once. The access token's expiry is the absolute limit.
/// </summary>
public sealed class OperatorSessions(IConnectionMultiplexer redis, AuthDbContext db, TokenIssuer issuer, TimeProvider time,
    IOptions<OperatorSessionOptions> options)
{
    /// <summary>
    /// Starts a session for an operator whose login has been checked (and audited). Null when the operator was
    /// deactivated meanwhile: its session is added to the operator's set before the operator is read again, so a
    /// deactivation either is seen here or finds the session in the set and ends it.
    /// </summary>
    public async Task<OperatorLoginResponse?> StartAsync(Operator op, Guid sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(op);
        var o = options.Value;
        var expires = time.GetUtcNow() + o.AbsoluteLifetime;
        var store = redis.GetDatabase();
        await store.StringSetAsync(SessionKeys.ForOperator(sessionId.ToString()), op.Id, o.IdleTimeout);
        await store.SetAddAsync(SessionKeys.OperatorIndex(op.Id), sessionId.ToString());
        await store.KeyExpireAsync(SessionKeys.OperatorIndex(op.Id), o.AbsoluteLifetime);
        if (!await db.Operators.AnyAsync(x => x.Id == op.Id && x.IsActive, cancellationToken))
        {
            await EndAsync(op.Id, sessionId);
            return null;
        }

        var token = issuer.IssueOperator(op, sessionId, expires, o.IdleTimeout);
        return new OperatorLoginResponse(token, "Bearer", (int)o.AbsoluteLifetime.TotalSeconds, (int)o.IdleTimeout.TotalSeconds,
            OperatorResponse.From(op));
    }

    /// <summary>Ends one session: its token fails at every service at once.</summary>
    public async Task EndAsync(int operatorId, Guid sessionId)
    {
        var store = redis.GetDatabase();
        await store.KeyDeleteAsync(SessionKeys.ForOperator(sessionId.ToString()));
        await store.SetRemoveAsync(SessionKeys.OperatorIndex(operatorId), sessionId.ToString());
    }

    /// <summary>Ends every session of the operator (deactivated, roles changed, TOTP reset); returns how many were listed.</summary>
    public async Task<int> EndAllAsync(int operatorId)
    {
        var store = redis.GetDatabase();
        var sessions = await store.SetMembersAsync(SessionKeys.OperatorIndex(operatorId));
        var keys = sessions.Select(s => (RedisKey)SessionKeys.ForOperator(s.ToString())).Append(SessionKeys.OperatorIndex(operatorId)).ToArray();
        await store.KeyDeleteAsync(keys);
        return sessions.Length;
    }
}
