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
        var user = Context.User;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await trail.AppendAsync(db, Entry(action, ReadingRoles.FirstOrDefault(user.IsInRole) ?? OperatorRoles.Support, targetType, targetId), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Records that a COMPLIANCE operator exported Payment's trail with these filters, in its own transaction.</summary>
    public Task RecordExportAsync(AuditFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return trail.AppendAsync(db, Entry(AdminAuditActions.AuditExport, OperatorRoles.Compliance, null, null) with
        {
            After = JsonSerializer.Serialize(filter.Recorded(), json.Value.SerializerOptions),
        }, ct);
    }

    public async Task RecordAsync(string action, string role, string targetType, string targetId, object before, object after, string reason,
        CancellationToken ct) =>
        await trail.AppendAsync(db, Entry(action, role, targetType, targetId) with
        {
            Before = JsonSerializer.Serialize(before, json.Value.SerializerOptions),
            After = JsonSerializer.Serialize(after, json.Value.SerializerOptions),
            Reason = reason,
        }, ct);

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("An operator's action is recorded during its request.");

    /// <summary>The operator of the request's token (id, name) acting under <paramref name="role"/> on the target.</summary>
    private AuditEntry Entry(string action, string role, string? targetType, string? targetId) => new(action, AuditActorType.Operator)
    {
        ActorId = Context.User.OperatorId().ToString(CultureInfo.InvariantCulture),
        ActorName = Context.User.OperatorName(),
        ActorRole = role,
        TargetType = targetType,
        TargetId = targetId,
        ClientAddress = Context.Connection.RemoteIpAddress?.ToString(),
    };
}
