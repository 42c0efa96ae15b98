using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Operators;

/// <summary>
/// Applies an admin's change to an operator (roles, TOTP reset, deactivation) and its audit event in one transaction,
/// then ends the operator's sessions (their tokens carry the old roles or secret's trust). Changes are serialised by an
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
        var (result, changed) = await db.Database.CreateExecutionStrategy().ExecuteAsync<(OperatorChange, Operator?)>(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await LockAndCheckActorAsync(db, Actor, ct))
            {
                return (OperatorChange.ActorNotAdmin, null);
            }

            var target = await db.Operators.SingleOrDefaultAsync(o => o.Id == operatorId, ct);
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
            await audit.ChangedAsync(Actor, OperatorRoles.Admin, action, OperatorAudit.OperatorTarget, OperatorAudit.Id(operatorId),
                before, Snapshot(target), reason, ct);
            await transaction.CommitAsync(ct);
            return (OperatorChange.Done, target);
        }, cancellationToken);
        if (result == OperatorChange.Done)
        {
            await sessions.EndAllAsync(operatorId);
        }

        return (result, changed);
    }

    /// <summary>What the audit trail records of an operator: never its password hash or TOTP secret.</summary>
    private static object Snapshot(Operator op) => new { roles = op.Roles.ToArray(), isActive = op.IsActive };
}
