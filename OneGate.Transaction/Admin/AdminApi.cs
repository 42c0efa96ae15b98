using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;
using OneGate.Transaction.Events;
using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>
/// Transaction's back office (docs/backoffice.md, "Transaction's back office"): regulator services and keys, access logs
/// and its audit trail (COMPLIANCE), dead letters (OPERATIONS). Operator tokens only; every change and every read of
/// regulators' access logs is recorded in Transaction's audit chain.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapTransactionAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/admin")
            .WithTags("Back office")
            .MapRegulatorAdmin()
            .MapAccessLogs()
            .MapDeadLetters()
            .MapAuditTrail<TransactionDbContext>("OneGate.Transaction", (http, filter, ct) =>
                http.RequestServices.GetRequiredService<TransactionAudit>().RecordAsync(http.RequestServices.GetRequiredService<TransactionDbContext>(),
                    AuditActor.Operator(http, OperatorRoles.Compliance), TransactionAuditActions.AuditExport, null, null, null, filter.Recorded(), null, ct));
        return app;
    }

    /// <summary>The admin services: the key and dead-letter cores (shared with the commands) and the audit chain (number 3).</summary>
    public static IHostApplicationBuilder AddTransactionAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new AuditTrail(services.GetRequiredService<TimeProvider>(), TransactionAuditActions.ChainNumber));
        builder.Services.AddSingleton<TransactionAudit>();
        builder.Services.AddScoped<KeyLifecycle>();
        builder.Services.AddScoped<DeadLetterReplay>();
        return builder;
    }
}
