using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Auth.Audit;
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
    TotpSecrets totp, OperatorAudit audit, IOptions<OperatorSessionOptions> options)
{
    /// <summary>
    /// Starts a session for an operator whose password has been checked, if the code is good: the failure
    /// (<c>inactive</c>, <c>code</c>, <c>code-reused</c>, <c>password</c>) otherwise. <paramref name="checkedOp"/> was read
    /// before Argon2 ran, and an admin's change may have committed since, so everything the token and the code check
    /// depend on is read again with the row locked, in the transaction that consumes the code: the roles signed are those
    /// of the committed row, and a code of a secret replaced meanwhile is refused. The session joins the operator's set
    /// under that lock too, before the commit: a change (which ends the sessions in the set under the same row lock,
    /// <see cref="OperatorChanges"/>) either committed before this read, or comes after this commit and finds the session.
    /// The success's audit event commits with the code's step, and the token is only signed after the commit.
    /// </summary>
    public async Task<(OperatorLoginResponse? Started, string? Failure)> StartAsync(Operator checkedOp, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkedOp);
        var o = options.Value;
        var sessionId = Guid.NewGuid();
        var registered = false;
        try
        {
            var (op, failure) = await db.Database.CreateExecutionStrategy().ExecuteAsync<(Operator?, string?)>(async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var fresh = await db.Operators.FromSql($"SELECT * FROM operators WHERE id = {checkedOp.Id} FOR UPDATE").AsNoTracking().SingleAsync(ct);
                var (step, refused) = CheckCode(fresh, checkedOp.PasswordHash, code);
                if (refused is not null)
                {
                    return (null, refused);
                }

                await db.Operators.Where(x => x.Id == fresh.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TotpLastStep, step), ct);
                registered = true;
                await RegisterAsync(fresh.Id, sessionId);
                await audit.LoginSucceededAsync(fresh, sessionId, ct);
                await transaction.CommitAsync(ct);
                return (fresh, null);
            }, cancellationToken);
            if (op is null)
            {
                await EndIfRegisteredAsync(registered, checkedOp.Id, sessionId);
                return (null, failure);
            }

            var token = issuer.IssueOperator(op, sessionId, time.GetUtcNow() + o.AbsoluteLifetime, o.IdleTimeout);
            return (new OperatorLoginResponse(token, "Bearer", (int)o.AbsoluteLifetime.TotalSeconds, (int)o.IdleTimeout.TotalSeconds,
                OperatorResponse.From(op)), null);
        }
        catch
        {
            // No token was signed: a session left without its committed login must not stay usable (nobody has its token, but still).
            await EndIfRegisteredAsync(registered, checkedOp.Id, sessionId);
            throw;
        }
    }

    /// <summary>The step of a good, unused code of the operator's current secret, or why the login fails.</summary>
    private (long Step, string? Failure) CheckCode(Operator op, string checkedPasswordHash, string code) =>
        op.PasswordHash != checkedPasswordHash ? (0, "password")
        : !op.IsActive ? (0, "inactive")
        : TotpSecrets.MatchStep(totp.Unprotect(op.TotpSecret, op.Username), code, time.GetUtcNow()) is not { } step ? (0, "code")
        : step <= op.TotpLastStep ? (0, "code-reused")
        : (step, null);

    private async Task RegisterAsync(int operatorId, Guid sessionId)
    {
        var o = options.Value;
        var store = redis.GetDatabase();
        await store.StringSetAsync(SessionKeys.ForOperator(sessionId.ToString()), operatorId, o.IdleTimeout);
        await store.SetAddAsync(SessionKeys.OperatorIndex(operatorId), sessionId.ToString());
        await store.KeyExpireAsync(SessionKeys.OperatorIndex(operatorId), o.AbsoluteLifetime);
    }

    private async Task EndIfRegisteredAsync(bool registered, int operatorId, Guid sessionId)
    {
        if (registered)
        {
            try
            {
                await EndAsync(operatorId, sessionId);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Redis is what failed: the key lapses after the idle timeout, and no token for it was ever signed.
            }
        }
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
