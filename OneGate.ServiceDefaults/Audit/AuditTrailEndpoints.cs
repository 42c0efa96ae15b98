using System.ComponentModel;
using System.Globalization;
using System.Text;
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
/// routes and answers on every service that keeps a chain (Auth, Payment, Transaction), each over its own
/// <c>audit_events</c>.
/// </summary>
public static class AuditTrailEndpoints
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;

    /// <summary>The export's own record: who exported what (the filters), in the service's chain.</summary>
    public delegate Task RecordExport(HttpContext http, object filters, CancellationToken cancellationToken);

    /// <summary>Maps <c>/audit</c>, <c>/audit/export</c> and <c>/audit/verify</c> under <paramref name="admin"/>.</summary>
    /// <param name="service">The service's name in the operations' summaries, e.g. "Auth".</param>
    public static RouteGroupBuilder MapAuditTrail<TContext>(this RouteGroupBuilder admin, string service, RecordExport recordExport)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(admin);
        var audit = admin.MapGroup("/audit").RequireOperator(OperatorPolicies.Compliance);
        audit.MapGet("", ([AsParameters] AuditFilter filter, long? cursor,
                [Description("Page size, a whole number from 1 to 100 (default 50)")] string? limit, HttpContext http, CancellationToken ct) =>
                Browse(filter, cursor, limit, http.RequestServices.GetRequiredService<TContext>(), ct))
            .WithName("BrowseAudit")
            .WithSummary($"{service}'s audit events, newest first, filtered; page with the returned nextCursor")
            .WithDescription("Filters (all optional, combined): action, actorType, actorId, targetType, targetId (exact), from " +
                             "(inclusive) and to (exclusive) times. limit 1 to 100 (default 50).");
        audit.MapGet("/export", ([AsParameters] AuditFilter filter, HttpContext http, CancellationToken ct) =>
                Export(filter, http, http.RequestServices.GetRequiredService<TContext>(), recordExport, ct))
            .WithName("ExportAudit")
            .WithSummary($"{service}'s filtered audit events as CSV (RFC 4180), oldest first; the export itself is audited")
            .WithDescription("Same filters as browsing. A value starting with =, +, -, @, tab or carriage return is prefixed with ' " +
                             "so that a spreadsheet shows it as text instead of running it as a formula.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        audit.MapGet("/verify", async (HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await AuditVerification.RunAsync(http.RequestServices.GetRequiredService<TContext>(), ct)))
            .WithName("VerifyAudit")
            .WithSummary($"Check {service}'s whole hash chain, as `audit verify` does: intact with its head, or the first broken row");
        return admin;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> Browse(AuditFilter filter, long? cursor, string? limit, DbContext db,
        CancellationToken cancellationToken)
    {
        var errors = filter.Errors();
        var size = PageSize.Parse(limit, DefaultPageSize, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var rows = await filter.Apply(db.Set<AuditEvent>().AsNoTracking())
            .Where(e => cursor == null || e.Id < cursor)
            .OrderByDescending(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        var page = rows.Take(size).Select(AuditEventResponse.From).ToList();
        return TypedResults.Ok(new AuditPage(page, rows.Count > size ? page[^1].Id : null));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> Export(AuditFilter filter, HttpContext http,
        DbContext db, RecordExport recordExport, CancellationToken cancellationToken)
    {
        if (filter.Errors() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        await recordExport(http, filter.Described(), cancellationToken);
        var rows = filter.Apply(db.Set<AuditEvent>().AsNoTracking());
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync("id,occurred_at,actor_type,actor_id,actor_name,actor_role,action,target_type,target_id,before,after,reason,client_address,trace_id,hash\r\n");
            await foreach (var row in AuditVerification.InPagesAsync(rows, http.RequestAborted))
            {
                await writer.WriteAsync(CsvField.Line(AuditChain.CanonicalFields(row).Append(Convert.ToHexStringLower(row.Hash))));
            }
        }, "text/csv", $"audit-{DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv");
    }
}
