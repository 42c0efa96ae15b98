using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
        var attempt = new LoginAttempt(checkedOp, code, Guid.NewGuid());
        try
        {
            // A commit whose acknowledgement was lost is retried only if its success row is not there: a retry would
            // find the code's step consumed and answer 401 for a login the trail records as succeeded.
            var (op, failure) = await db.Database.CreateExecutionStrategy().ExecuteAsync(attempt, ConsumeCodeAsync, VerifyCommittedAsync, cancellationToken);
            if (op is null)
            {
                await EndIfRegisteredAsync(attempt);
                return (null, failure);
            }

            var o = options.Value;
            var token = issuer.IssueOperator(op, attempt.SessionId, time.GetUtcNow() + o.AbsoluteLifetime, o.IdleTimeout);
            return (new OperatorLoginResponse(token, "Bearer", (int)o.AbsoluteLifetime.TotalSeconds, (int)o.IdleTimeout.TotalSeconds,
                OperatorResponse.From(op)), null);
        }
        catch
        {
            // No token was signed: a session left without its committed login must not stay usable (nobody has its token, but still).
            await EndIfRegisteredAsync(attempt);
            throw;
        }
    }

    /// <summary>One login's state across the execution strategy's attempts.</summary>
    private sealed record LoginAttempt(Operator CheckedOp, string Code, Guid SessionId)
    {
        public bool Registered { get; set; }

        public Operator? Committing { get; set; }
    }

    /// <summary>In one transaction with the operator's row locked: checks the code, consumes its step, registers the session and records the success.</summary>
    private async Task<(Operator?, string?)> ConsumeCodeAsync(DbContext context, LoginAttempt attempt, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var fresh = await db.Operators.FromSql($"SELECT * FROM operators WHERE id = {attempt.CheckedOp.Id} FOR UPDATE").AsNoTracking().SingleAsync(ct);
        var (step, refused) = CheckCode(fresh, attempt.CheckedOp.PasswordHash, attempt.Code);
        if (refused is not null)
        {
            return (null, refused);
        }

        await db.Operators.Where(x => x.Id == fresh.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TotpLastStep, step), ct);
        attempt.Registered = true;
        await RegisterAsync(fresh.Id, attempt.SessionId);
        await audit.LoginSucceededAsync(fresh, attempt.SessionId, ct);
        attempt.Committing = fresh;
        await transaction.CommitAsync(ct);
        return (fresh, null);
    }

    private async Task<ExecutionResult<(Operator?, string?)>> VerifyCommittedAsync(DbContext context, LoginAttempt attempt, CancellationToken ct)
    {
        var sessionId = attempt.SessionId.ToString();
        var committed = attempt.Committing is not null && await db.AuditEvents.AnyAsync(
            e => e.Action == AuditActions.OperatorLoginSucceeded && e.TargetId == sessionId, ct);
        return new ExecutionResult<(Operator?, string?)>(committed, (attempt.Committing, null));
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

    private async Task EndIfRegisteredAsync(LoginAttempt attempt)
    {
        if (attempt.Registered)
        {
            try
            {
                await EndAsync(attempt.CheckedOp.Id, attempt.SessionId);
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
