using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace OneGate.Auth.Operators;

/// <summary>
/// Applies an admin's change to an operator (roles, TOTP reset, deactivation), ends the operator's sessions (their
/// tokens carry the old roles or the old secret's trust) and records its audit event, in one transaction with the
/// operator's row locked. Changes are serialised by an
/// advisory lock, and under it the acting admin is read again and the active ADMINs counted: of two admins demoting each
/// other at once, the second finds its actor no longer an admin, and no change leaves zero active ADMINs.
/// </summary>
public sealed class OperatorChanges(AuthDbContext db, OperatorAudit audit, OperatorSessions sessions, IHttpContextAccessor http)
{
    // Every change of an operator's roles or state takes this transaction-scoped lock.
    private const int OperatorLockSpace = 0x0B008;

    private ClaimsPrincipal Actor => http.HttpContext?.User ?? throw new InvalidOperationException("No request");

    /// <summary>
    /// In the caller's transaction: serialises with every other change to operators and answers whether
    /// <paramref name="actor"/> is still an active ADMIN (its token may predate its demotion or deactivation).
    /// </summary>
    public static async Task<bool> LockAndCheckActorAsync(AuthDbContext db, ClaimsPrincipal actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OperatorLockSpace})", ct);
        var actorId = actor.OperatorId();
        return await db.Operators.AnyAsync(o => o.Id == actorId && o.IsActive && o.Roles.Contains(OperatorRoles.Admin), ct);
    }

    /// <summary>Applies <paramref name="change"/> to the operator; null when the result is not <see cref="OperatorChange.Done"/>.</summary>
    public async Task<(OperatorChange Result, Operator? Operator)> ApplyAsync(int operatorId, string action, Action<Operator> change, string? reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            return await ApplyLockedAsync(operatorId, action, change, reason, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return (OperatorChange.SessionsNotEnded, null);
        }
    }

    private Task<(OperatorChange Result, Operator? Operator)> ApplyLockedAsync(int operatorId, string action, Action<Operator> change, string? reason,
        CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync<(OperatorChange, Operator?)>(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await LockAndCheckActorAsync(db, Actor, ct))
            {
                return (OperatorChange.ActorNotAdmin, null);
            }

            // Locked: a login reads the row under the same lock (OperatorSessions.StartAsync), so it sees this change or
            // its session is in the set when the sessions end below.
            var target = await db.Operators.FromSql($"SELECT * FROM operators WHERE id = {operatorId} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (target is null || !target.IsActive)
            {
                return (target is null ? OperatorChange.NotFound : OperatorChange.Inactive, null);
            }

            var before = Snapshot(target);
            change(target);
            if (!(target.IsActive && target.Roles.Contains(OperatorRoles.Admin))
                && !await db.Operators.AnyAsync(o => o.Id != operatorId && o.IsActive && o.Roles.Contains(OperatorRoles.Admin), ct))
            {
                return (OperatorChange.LastAdmin, null);
            }

            await db.SaveChangesAsync(ct);
            // Before the commit, under the row lock: if Redis fails, the change rolls back (a retry redoes both), so no
            // committed change leaves sessions that carry what it took away.
            await sessions.EndAllAsync(operatorId);
            await audit.ChangedAsync(Actor, OperatorRoles.Admin, action, OperatorAudit.OperatorTarget, OperatorAudit.Id(operatorId),
                before, Snapshot(target), reason, ct);
            await transaction.CommitAsync(ct);
            return (OperatorChange.Done, target);
        }, cancellationToken);

    /// <summary>What the audit trail records of an operator: never its password hash or TOTP secret.</summary>
    private static object Snapshot(Operator op) => new { roles = op.Roles.ToArray(), isActive = op.IsActive };
}
