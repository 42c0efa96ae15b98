using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// COMPLIANCE browses, exports and verifies a service's audit trail (docs/backoffice.md, "Browsing the trail"): the same
/// operations, filters and limits at every service that keeps a chain; only the export's own audit event is the
/// service's (it is recorded in that service's chain).
/// </summary>
public static class AuditTrailEndpoints
{
    /// <param name="service">The service's binary, named in the verify operation's summary (<c>OneGate.Auth</c>).</param>
    /// <param name="recordExport">Records in the service's chain that the request's operator exported these filters.</param>
    public static RouteGroupBuilder MapAuditTrail<TContext>(this RouteGroupBuilder admin, string service,
        Func<HttpContext, AuditFilter, CancellationToken, Task> recordExport) where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(admin);
        var audit = admin.MapGroup("/audit").RequireOperator(OperatorPolicies.Compliance);
        audit.MapGet("", ([AsParameters] AuditFilter filter, long? cursor,
                [Description("Page size, a whole number from 1 to 100 (default 50)")] string? limit, HttpContext http, CancellationToken ct) =>
                BrowseAsync(filter, cursor, limit, Trail<TContext>(http), ct))
            .WithName("BrowseAudit")
            .WithSummary("Audit events, newest first, filtered; page with the returned nextCursor")
            .WithDescription("Filters (all optional, combined): action, actorType, actorId, targetType, targetId (exact), from " +
                             $"(inclusive) and to (exclusive) times. limit 1 to {AuditBrowsing.MaxPageSize} (default {AuditBrowsing.DefaultPageSize}).");
        audit.MapGet("/export", ([AsParameters] AuditFilter filter, HttpContext http, CancellationToken ct) =>
                ExportAsync(filter, http, Trail<TContext>(http), recordExport, ct))
            .WithName("ExportAudit")
            .WithSummary("The filtered audit events as CSV (RFC 4180), oldest first; the export itself is audited")
            .WithDescription("Same filters as browsing. A value starting with =, +, -, @, tab or carriage return is prefixed with ' " +
                             "so that a spreadsheet shows it as text instead of running it as a formula.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        audit.MapGet("/verify", async (HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await AuditVerification.RunAsync(Trail<TContext>(http), ct)))
            .WithName("VerifyAudit")
            .WithSummary($"Check the whole hash chain, as `{service} audit verify` does: intact with its head, or the first broken row");
        return admin;
    }

    // The handlers resolve the context themselves: the route handler analyzer cannot take a type parameter as a parameter.
    private static DbContext Trail<TContext>(HttpContext http) where TContext : DbContext => http.RequestServices.GetRequiredService<TContext>();

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> BrowseAsync(AuditFilter filter, long? cursor, string? limit, DbContext db,
        CancellationToken cancellationToken)
    {
        if (AuditBrowsing.Errors(filter, limit, out var pageSize) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await AuditBrowsing.PageAsync(db.Set<AuditEvent>().AsNoTracking(), filter, cursor, pageSize, cancellationToken));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> ExportAsync(AuditFilter filter, HttpContext http, DbContext db,
        Func<HttpContext, AuditFilter, CancellationToken, Task> recordExport, CancellationToken cancellationToken)
    {
        if (filter.Errors() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        await recordExport(http, filter, cancellationToken);
        var rows = filter.Apply(db.Set<AuditEvent>().AsNoTracking());
        return TypedResults.Stream(stream => AuditCsv.WriteAsync(stream, rows, http.RequestAborted), "text/csv", AuditCsv.FileName(DateTimeOffset.UtcNow));
    }
}
