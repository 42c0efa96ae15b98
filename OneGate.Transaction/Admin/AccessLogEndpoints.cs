using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Admin;

/// <summary>
/// COMPLIANCE browses and exports regulators' access logs. Who looked at regulators' access is itself worth knowing, so
/// every page and every export is recorded in Transaction's audit trail (with its filters) before it is answered.
/// </summary>
public static class AccessLogEndpoints
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;
    private const int ExportPageSize = 1000;

    public static RouteGroupBuilder MapAccessLogs(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/access-logs").RequireOperator(OperatorPolicies.Compliance);
        group.MapGet("", Browse)
            .WithName("AdminBrowseAccessLogs")
            .WithSummary("Regulators' requests, newest first, by service, key and time; page with nextCursor (each view is audited)")
            .WithDescription("Filters (optional, combined): serviceId, keyId, from (inclusive), to (exclusive). limit 1 to 100 (default 50). "
                             + "Problems: 400 VALIDATION_FAILED (a filter, limit or cursor that does not parse; 'to' not after 'from').");
        group.MapGet("/export", Export)
            .WithName("AdminExportAccessLogs")
            .WithSummary("The filtered access logs as CSV (RFC 4180), oldest first, streamed (the export is audited)")
            .WithDescription("Same filters as browsing. A value starting with =, +, -, @, tab or carriage return (paths and user agents " +
                             "come from clients) is prefixed with ' so that a spreadsheet shows it as text instead of running it as a formula. "
                             + "Problems: 400 VALIDATION_FAILED (a filter that does not parse; 'to' not after 'from').")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return admin;
    }

    private static async Task<Results<Ok<AccessLogPage>, ValidationProblem>> Browse([AsParameters] AccessLogFilter filter,
        [Description("nextCursor of the previous page")] string? cursor, [Description("Page size, a whole number from 1 to 100 (default 50)")] string? limit,
        HttpContext http, TransactionDbContext db, TransactionAudit audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var criteria = filter.Parse(errors);
        var size = PageSize.Parse(limit, DefaultPageSize, MaxPageSize, errors);
        AccessLogCursor after = default;
        if (cursor is not null && !AccessLogCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["Not a cursor from a previous page."];
        }

        if (criteria is null || errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var rows = criteria.Apply(db.ApiAccessLogs.AsNoTracking());
        rows = cursor is null ? rows : after.RowsAfter(rows);
        var page = await rows.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Take(size + 1).ToListAsync(ct);
        var names = await Names.LoadAsync(db, ct);
        var items = page.Take(size).Select(names.Entry).ToList();
        await audit.RecordAsync(db, AuditActor.Operator(http, OperatorRoles.Compliance), TransactionAuditActions.AccessLogsView, null, null, null,
            new { filters = criteria.Described(), cursor, rows = items.Count }, null, ct);
        var next = page.Count > size ? new AccessLogCursor(items[^1].CreatedAt, items[^1].Id).Encode() : null;
        return TypedResults.Ok(new AccessLogPage(items, next));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> Export([AsParameters] AccessLogFilter filter, HttpContext http,
        TransactionDbContext db, TransactionAudit audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (filter.Parse(errors) is not { } criteria)
        {
            return Problems.Validation(errors);
        }

        await audit.RecordAsync(db, AuditActor.Operator(http, OperatorRoles.Compliance), TransactionAuditActions.AccessLogsExport, null, null, null,
            new { filters = criteria.Described() }, null, ct);
        var names = await Names.LoadAsync(db, ct);
        var rows = criteria.Apply(db.ApiAccessLogs.AsNoTracking());
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync("id,created_at,service_code,key_prefix,key_id,method,endpoint,status_code,response_time_ms,ip_address,user_agent\r\n");
            await foreach (var row in InPagesAsync(rows, http.RequestAborted))
            {
                var e = names.Entry(row);
                await writer.WriteAsync(Line([e.Id.ToString(), e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                    e.ServiceCode, e.KeyPrefix, e.KeyId?.ToString(), e.Method, e.Endpoint, e.StatusCode.ToString(CultureInfo.InvariantCulture),
                    e.ResponseTimeMs?.ToString(CultureInfo.InvariantCulture), e.IpAddress, e.UserAgent]));
            }
        }, "text/csv", $"access-logs-{DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv");
    }

    /// <summary>One CSV line with the audit export's quoting and formula guard (paths and user agents come from clients).</summary>
    private static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(AuditCsv.Field)) + "\r\n";

    /// <summary>Oldest first, a page at a time (a streamed query would hold a connection and a snapshot for the whole download).</summary>
    private static async IAsyncEnumerable<ApiAccessLog> InPagesAsync(IQueryable<ApiAccessLog> rows,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        (DateTimeOffset CreatedAt, Guid Id)? last = null;
        while (true)
        {
            var query = rows;
            if (last is var (createdAt, id))
            {
                query = query.Where(l => EF.Functions.GreaterThan(ValueTuple.Create(l.CreatedAt, l.Id), ValueTuple.Create(createdAt, id)));
            }

            var page = await query.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id).Take(ExportPageSize).ToListAsync(ct);
            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            last = (page[^1].CreatedAt, page[^1].Id);
        }
    }

    /// <summary>Services' codes and keys' prefixes (small tables, read whole), to name a row's caller.</summary>
    private sealed record Names(Dictionary<int, string> Services, Dictionary<Guid, string> Keys)
    {
        public static async Task<Names> LoadAsync(TransactionDbContext db, CancellationToken ct) =>
            new(await db.ExternalServices.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Code, ct),
                await db.ApiKeys.AsNoTracking().ToDictionaryAsync(k => k.Id, k => k.KeyPrefix, ct));

        public AccessLogEntry Entry(ApiAccessLog l) => new(l.Id, l.ExternalServiceId,
            l.ExternalServiceId is { } s ? Services.GetValueOrDefault(s) : null, l.ApiKeyId, l.ApiKeyId is { } k ? Keys.GetValueOrDefault(k) : null,
            l.Endpoint, l.Method, l.IpAddress, l.UserAgent, l.StatusCode, l.ResponseTimeMs, l.CreatedAt);
    }
}
