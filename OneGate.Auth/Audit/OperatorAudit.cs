using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Audit;

/// <summary>
/// The back office's events in the audit trail (docs/backoffice.md lists them): operators' logins and logouts and every
/// change an operator makes, attributed to the operator's id, name and the role the action was allowed under. A change's
/// event is appended inside the change's transaction; a refused login is its own transaction and is not cancelled with
/// the request.
/// </summary>
public sealed partial class OperatorAudit(ILoggerFactory loggerFactory, AuthDbContext db, AuditTrail trail, IHttpContextAccessor http)
{
    public const string OperatorTarget = "operator";
    private const string SessionTarget = "session";

    private readonly ILogger logger = loggerFactory.CreateLogger("OneGate.Auth.Audit");

    private string? ClientAddress => http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>In the transaction that consumes the TOTP code. The role is every role the session carries.</summary>
    public Task LoginSucceededAsync(Operator op, Guid sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(op);
        return AppendAsync(new AuditEntry(AuditActions.OperatorLoginSucceeded, AuditActorType.Operator)
        {
            ActorId = Id(op.Id), ActorName = op.Username, ActorRole = string.Join(',', op.Roles),
            TargetType = SessionTarget, TargetId = sessionId.ToString(), ClientAddress = ClientAddress,
        }, cancellationToken);
    }

    /// <summary>
    /// A refused login: which operator was tried (none when the name matches nobody) and which check failed
    /// (<c>password</c>, <c>code</c>, <c>code-reused</c>, <c>inactive</c>), so a right password with a wrong code —
    /// a leaked password — stands out.
    /// </summary>
    public Task LoginFailedAsync(int? operatorId, string failure) =>
        AppendAsync(new AuditEntry(AuditActions.OperatorLoginFailed, AuditActorType.Anonymous)
        {
            TargetType = operatorId is null ? null : OperatorTarget, TargetId = operatorId is { } id ? Id(id) : null,
            After = JsonSerializer.Serialize(new { failure }), ClientAddress = ClientAddress,
        }, CancellationToken.None);

    /// <summary>In its own transaction, after the session's key is gone.</summary>
    public Task LoggedOutAsync(ClaimsPrincipal actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return AppendAsync(new AuditEntry(AuditActions.OperatorLogout, AuditActorType.Operator)
        {
            ActorId = Id(actor.OperatorId()), ActorName = actor.OperatorName(), ActorRole = string.Join(',', actor.OperatorRoleNames()),
            TargetType = SessionTarget, TargetId = actor.SessionId(), ClientAddress = ClientAddress,
        }, cancellationToken);
    }

    /// <summary>An operator's change, inside the change's transaction: before and after as JSON, the reason when given.</summary>
    public Task ChangedAsync(ClaimsPrincipal actor, string role, string action, string targetType, string targetId,
        object? before, object? after, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return AppendAsync(new AuditEntry(action, AuditActorType.Operator)
        {
            ActorId = Id(actor.OperatorId()), ActorName = actor.OperatorName(), ActorRole = role,
            TargetType = targetType, TargetId = targetId, ClientAddress = ClientAddress, Reason = reason,
            Before = before is null ? null : JsonSerializer.Serialize(before), After = after is null ? null : JsonSerializer.Serialize(after),
        }, cancellationToken);
    }

    /// <summary>A search of users or an export of the trail: what was looked for (the kind, never the identifier) and what was shown.</summary>
    public Task SearchedAsync(ClaimsPrincipal actor, string role, string by, int[] userIds, bool masked, CancellationToken cancellationToken) =>
        ReadAsync(actor, role, AuditActions.OperatorUsersSearch, userIds.Length == 1 ? "user" : null, userIds.Length == 1 ? Id(userIds[0]) : null,
            new { by, userIds, masked }, cancellationToken);

    /// <summary>An export of the trail (<c>GET /api/admin/audit/export</c>): the filters, in its own transaction.</summary>
    public Task ExportedAsync(ClaimsPrincipal actor, AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(actor, OperatorRoles.Compliance, AuditActions.OperatorAuditExport, null, null, filter.Recorded(), cancellationToken);
    }

    /// <summary>An operator's read of data worth knowing who saw it (a user search, an export of the trail), in its own transaction.</summary>
    public Task ReadAsync(ClaimsPrincipal actor, string role, string action, string? targetType, string? targetId, object what,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return AppendAsync(new AuditEntry(action, AuditActorType.Operator)
        {
            ActorId = Id(actor.OperatorId()), ActorName = actor.OperatorName(), ActorRole = role,
            TargetType = targetType, TargetId = targetId, ClientAddress = ClientAddress, After = JsonSerializer.Serialize(what),
        }, cancellationToken);
    }

    private async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await trail.AppendAsync(db, entry, cancellationToken);
        LogEvent(logger, entry.Action, entry.ActorId, entry.TargetType, entry.TargetId, entry.ClientAddress);
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(1101, LogLevel.Information, "audit {Action} operator={OperatorId} target={TargetType}:{TargetId} ip={Ip}")]
    private static partial void LogEvent(ILogger logger, string action, string? operatorId, string? targetType, string? targetId, string? ip);
}
