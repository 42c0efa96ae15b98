using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Audit;

/// <summary>COMPLIANCE browses, exports and verifies Auth's audit trail (the shared <see cref="AuditTrailEndpoints"/>).</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditTrail(this RouteGroupBuilder admin) =>
        admin.MapAuditTrail<AuthDbContext>("Auth", (http, filters, ct) =>
            http.RequestServices.GetRequiredService<OperatorAudit>()
                .ReadAsync(http.User, OperatorRoles.Compliance, AuditActions.OperatorAuditExport, null, null, filters, ct));
}
