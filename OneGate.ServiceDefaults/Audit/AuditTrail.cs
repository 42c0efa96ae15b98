using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// Appends to <c>audit_events</c>. Appends are serialised by a transaction-scoped advisory lock, so the chain never
/// forks: each append reads the last row, chains to it, and inserts the next id while no other append can. Inside
/// the caller's transaction the event commits or rolls back with the change it records (and the lock is held until
/// then: append last, just before committing); without one, the append is its own transaction.
/// Each service has its own chain in its own schema (the table named with the schema its context maps) and its own
/// <paramref name="chainNumber"/>: advisory locks are database-wide, so two services' chains must not share one.
/// </summary>
public sealed class AuditTrail(TimeProvider time, int chainNumber)
{
    // The advisory lock every append takes ("AUDIT" in the first key space, the chain number in the second).
    private const int ChainLockSpace = 0x0A0D_1700;

    public async Task AppendAsync(DbContext db, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entry);
        if (db.Database.CurrentTransaction is not null)
        {
            await AppendInTransactionAsync(db, entry, cancellationToken);
            return;
        }

        // The execution strategy retries the whole unit on a transient failure (Aspire enables retries).
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await AppendInTransactionAsync(db, entry, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    private async Task AppendInTransactionAsync(DbContext db, AuditEntry entry, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockSpace}, {chainNumber})", cancellationToken);
        var last = await db.Set<AuditEvent>().AsNoTracking().OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        // The time is taken under the lock, so the chain's order is also the order of its times.
        var row = new AuditEvent
        {
            Id = (last?.Id ?? 0) + 1,
            OccurredAt = AuditChain.ToMicroseconds(time.GetUtcNow()),
            ActorType = entry.ActorType,
            ActorId = entry.ActorId,
            ActorName = entry.ActorName,
            ActorRole = entry.ActorRole,
            Action = entry.Action,
            TargetType = entry.TargetType,
            TargetId = entry.TargetId,
            Before = entry.Before,
            After = entry.After,
            Reason = entry.Reason,
            ClientAddress = entry.ClientAddress,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            Hash = [],
        };
        row.Hash = AuditChain.Hash(last?.Hash ?? AuditChain.Genesis, row);
        // The table by its schema, as the read above names it: a command run's connection may search other schemas first,
        // and an unqualified name there would chain this row into another service's trail.
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create($$"""
            INSERT INTO {{Table(db)}} (id, occurred_at, actor_type, actor_id, actor_name, actor_role, action, target_type, target_id,
                                      before, after, reason, client_address, trace_id, hash)
            VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}::json, {10}::json, {11}, {12}, {13}, {14})
            """, row.Id, row.OccurredAt, row.ActorType, row.ActorId, row.ActorName, row.ActorRole, row.Action, row.TargetType, row.TargetId,
            row.Before, row.After, row.Reason, row.ClientAddress, row.TraceId, row.Hash), cancellationToken);
    }

    private static string Table(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEvent)) ?? throw new InvalidOperationException("The context does not map audit_events.");
        return entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
    }
}
