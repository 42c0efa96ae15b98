using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Audit;

namespace OneGate.Payment.Admin;

/// <summary>Payment's back-office API (docs/backoffice.md): operator tokens only; each endpoint names the role it needs.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapPaymentAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/admin")
            .WithTags("Back office")
            .MapAccountAdmin()
            .MapStrandedMoney()
            .MapAuditTrail<PaymentDbContext>("OneGate.Payment", (http, filter, ct) =>
                http.RequestServices.GetRequiredService<AdminAudit>().RecordExportAsync(filter, ct));
        return app;
    }
}
