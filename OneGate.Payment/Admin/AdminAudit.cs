using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Admin;

/// <summary>
/// Records an operator's action in Payment's audit trail (<c>payment.audit_events</c>), inside the action's own
/// transaction: appended last, just before the commit, so the change and its record commit or roll back together.
/// Before/after are the API's JSON of what changed; the actor is the operator of the token (id, name) and the role the
/// endpoint required.
/// </summary>
public sealed class AdminAudit(PaymentDbContext db, AuditTrail trail, IHttpContextAccessor http, IOptions<JsonOptions> json)
{
    private static readonly string[] ReadingRoles = [OperatorRoles.Support, OperatorRoles.Operations, OperatorRoles.Compliance];

    /// <summary>Records that the operator read <paramref name="targetId"/>, in its own transaction (a read changes nothing else).</summary>
    public async Task RecordViewAsync(string action, string targetType, string targetId, CancellationToken ct)
    {
        var context = http.HttpContext ?? throw new InvalidOperationException("An operator's read is recorded during its request.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await trail.AppendAsync(db, new AuditEntry(action, AuditActorType.Operator)
        {
            ActorId = context.User.OperatorId().ToString(CultureInfo.InvariantCulture),
            ActorName = context.User.OperatorName(),
            ActorRole = ReadingRoles.FirstOrDefault(context.User.IsInRole) ?? OperatorRoles.Support,
            TargetType = targetType,
            TargetId = targetId,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
        }, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task RecordAsync(string action, string role, string targetType, string targetId, object before, object after, string reason,
        CancellationToken ct)
    {
        var context = http.HttpContext ?? throw new InvalidOperationException("An operator's action is recorded during its request.");
        await trail.AppendAsync(db, new AuditEntry(action, AuditActorType.Operator)
        {
            ActorId = context.User.OperatorId().ToString(CultureInfo.InvariantCulture),
            ActorName = context.User.OperatorName(),
            ActorRole = role,
            TargetType = targetType,
            TargetId = targetId,
            Before = JsonSerializer.Serialize(before, json.Value.SerializerOptions),
            After = JsonSerializer.Serialize(after, json.Value.SerializerOptions),
            Reason = reason,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
        }, ct);
    }
}
