using System.Globalization;
using System.Security.Claims;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Transaction.Audit;

/// <summary>Who an action in Transaction's audit chain is attributed to: an operator (API) or the system (the <c>keys</c> command).</summary>
public sealed record AuditActor(string Type, string? Id, string? Name, string? Role, string? ClientAddress)
{
    /// <summary>The operator of the request's token (id, name), acting under <paramref name="role"/>.</summary>
    public static AuditActor Operator(HttpContext http, string role)
    {
        ArgumentNullException.ThrowIfNull(http);
        ClaimsPrincipal user = http.User;
        return new(AuditActorType.Operator, user.OperatorId().ToString(CultureInfo.InvariantCulture), user.OperatorName(), role,
            http.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>A command run against the database (no operator token): recorded as SYSTEM with the command's name.</summary>
    public static AuditActor System(string command) => new(AuditActorType.System, null, command, null, null);
}
