using System.Text.Json;
using System.Text.Json.Serialization;
using OneGate.ServiceDefaults.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Audit;

/// <summary>
/// Appends to Transaction's audit chain (<c>transaction.audit_events</c>). Inside the caller's transaction the row
/// commits or rolls back with the change it records: append last, just before the commit (the chain lock is held until
/// then). Before/after are the API's JSON of what changed.
/// </summary>
public sealed class TransactionAudit(AuditTrail trail)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new UtcTimestampConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
    };

    /// <summary>A trail for a command run of the binary (no host).</summary>
    public static TransactionAudit ForCommand() => new(new AuditTrail(TimeProvider.System, TransactionAuditActions.ChainNumber));

    public Task RecordAsync(TransactionDbContext db, AuditActor actor, string action, string? targetType, string? targetId,
        object? before, object? after, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return trail.AppendAsync(db, new AuditEntry(action, actor.Type)
        {
            ActorId = actor.Id, ActorName = actor.Name, ActorRole = actor.Role, ClientAddress = actor.ClientAddress,
            TargetType = targetType, TargetId = targetId, Reason = reason,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        }, cancellationToken);
    }
}
