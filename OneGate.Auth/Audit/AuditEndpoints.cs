using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Audit;

/// <summary>COMPLIANCE browses, exports and verifies the audit trail (docs/backoffice.md, "Browsing the trail").</summary>
public static class AuditEndpoints
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;

    public static RouteGroupBuilder MapAuditTrail(this RouteGroupBuilder admin)
    {
        var audit = admin.MapGroup("/audit").RequireOperator(OperatorPolicies.Compliance);
        audit.MapGet("", Browse)
            .WithName("BrowseAudit")
            .WithSummary("Audit events, newest first, filtered; page with the returned nextCursor")
            .WithDescription("Filters (all optional, combined): action, actorType, actorId, targetType, targetId (exact), from " +
                             "(inclusive) and to (exclusive) times. limit 1 to 500 (default 50).");
        audit.MapGet("/export", Export)
            .WithName("ExportAudit")
            .WithSummary("The filtered audit events as CSV (RFC 4180), oldest first; the export itself is audited")
            .WithDescription("Same filters as browsing. A value starting with =, +, -, @, tab or carriage return is prefixed with ' " +
                             "so that a spreadsheet shows it as text instead of running it as a formula.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        audit.MapGet("/verify", Verify)
            .WithName("VerifyAudit")
            .WithSummary("Check the whole hash chain, as `OneGate.Auth audit verify` does: intact with its head, or the first broken row");
        return admin;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> Browse([AsParameters] AuditFilter filter, long? cursor,
        [Description("Page size, a whole number from 1 to 100 (default 50)")] string? limit, AuthDbContext db, CancellationToken cancellationToken)
    {
        var errors = filter.Errors();
        // Parsed strictly (no sign, spaces or exponent), as the history's limit is: " 5" is a mistake, not 5.
        int? size = null;
        if (limit is not null)
        {
            size = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= MaxPageSize ? parsed : null;
            if (size is null)
            {
                errors["limit"] = [$"A whole number from 1 to {MaxPageSize}."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var pageSize = size ?? DefaultPageSize;
        var rows = await filter.Apply(db.AuditEvents.AsNoTracking())
            .Where(e => cursor == null || e.Id < cursor)
            .OrderByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var page = rows.Take(pageSize).Select(AuditEventResponse.From).ToList();
        return TypedResults.Ok(new AuditPage(page, rows.Count > pageSize ? page[^1].Id : null));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> Export([AsParameters] AuditFilter filter, HttpContext http,
        AuthDbContext db, OperatorAudit audit, CancellationToken cancellationToken)
    {
        if (filter.Errors() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        await audit.ReadAsync(http.User, OperatorRoles.Compliance, AuditActions.OperatorAuditExport, null, null,
            new { action = filter.Action, actorType = filter.ActorType, actorId = filter.ActorId, targetType = filter.TargetType, targetId = filter.TargetId, from = filter.From, to = filter.To }, cancellationToken);
        var rows = filter.Apply(db.AuditEvents.AsNoTracking());
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync("id,occurred_at,actor_type,actor_id,actor_name,actor_role,action,target_type,target_id,before,after,reason,client_address,trace_id,hash\r\n");
            await foreach (var row in AuditVerification.InPagesAsync(rows, http.RequestAborted))
            {
                var fields = AuditChain.CanonicalFields(row).Append(Convert.ToHexStringLower(row.Hash));
                await writer.WriteAsync(string.Join(',', fields.Select(Csv)) + "\r\n");
            }
        }, "text/csv", $"audit-{DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv");
    }

    private static async Task<Ok<AuditVerification>> Verify(AuthDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AuditVerification.RunAsync(db, cancellationToken));

    /// <summary>One CSV field: quoted when it holds a comma, quote or line break; a would-be formula made text.</summary>
    public static string Csv(string? value)
    {
        if (value is null)
        {
            return "";
        }

        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
