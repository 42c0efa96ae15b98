using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.History;

public sealed record TransactionPage(IReadOnlyList<TransactionResponse> Items, string? NextCursor);

public static class HistoryEndpoint
{
    public static RouteGroupBuilder MapHistory(this RouteGroupBuilder group)
    {
        group.MapGet("/", GetHistory)
            .WithName("GetHistory")
            .WithSummary("The caller's transactions, newest first, with keyset pagination")
            .WithDescription("Filters: type, status, from/to (ISO 8601, from inclusive, to exclusive). limit 1-100 (default 20). " +
                             "Pass nextCursor back as cursor for the next page; pages stay stable while new transactions arrive. " +
                             "First pages without from/to are served from a cache that every new or changed transaction of the caller " +
                             "invalidates before the request that made it returns; X-Cache says HIT, MISS or BYPASS.")
            .WithMetadata(new CachedResponse());
        return group;
    }

    private static async Task<Results<Ok<TransactionPage>, ValidationProblem>> GetHistory(HttpContext http, TransactionDbContext db, HistoryCache cache,
        string? type, string? status, string? from, string? to, string? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var typeFilter = HistoryQuery.ParseType(type, errors);
        var statusFilter = HistoryQuery.ParseStatus(status, errors);
        var fromTime = HistoryQuery.ParseTime(from, "from", errors);
        var toTime = HistoryQuery.ParseTime(to, "to", errors);
        HistoryQuery.CheckRange(fromTime, toTime, errors);
        var pageSize = HistoryQuery.ParseLimit(limit, errors);
        HistoryCursor after = default;
        if (cursor is not null && !HistoryCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["Not a cursor from a previous page."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var userId = http.User.UserId();
        // First pages are what an app opens with; pages bounded by from/to are usually computed from "now" and
        // would never be read twice, and deeper pages are one cheap index range each.
        if (cursor is null && fromTime is null && toTime is null)
        {
            return TypedResults.Ok(await cache.GetOrReadAsync(http, userId, $"page:{pageSize}:{typeFilter}:{statusFilter}",
                () => ReadPageAsync(db, userId, typeFilter, statusFilter, null, null, null, pageSize, ct)));
        }

        return TypedResults.Ok(await ReadPageAsync(db, userId, typeFilter, statusFilter, fromTime, toTime, cursor is null ? null : after, pageSize, ct));
    }

    private static async Task<TransactionPage> ReadPageAsync(TransactionDbContext db, int userId, TransactionType? typeFilter, TransactionStatus? statusFilter,
        DateTimeOffset? fromTime, DateTimeOffset? toTime, HistoryCursor? after, int pageSize, CancellationToken ct)
    {
        var query = db.HistoricalTransactions.Where(t => t.UserId == userId);
        if (typeFilter is { } t1)
        {
            query = query.Where(t => t.Type == t1);
        }

        if (statusFilter is { } s1)
        {
            query = query.Where(t => t.Status == s1);
        }

        if (fromTime is { } f)
        {
            query = query.Where(t => t.CreatedAt >= f);
        }

        if (toTime is { } e)
        {
            query = query.Where(t => t.CreatedAt < e);
        }

        if (after is { } a)
        {
            query = query.Where(t => t.CreatedAt < a.CreatedAt || (t.CreatedAt == a.CreatedAt && t.Id < a.Id));
        }

        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(pageSize + 1).ToListAsync(ct);
        var page = rows.Take(pageSize).ToList();
        var next = rows.Count > pageSize ? new HistoryCursor(page[^1].CreatedAt, page[^1].Id).Encode() : null;
        return new TransactionPage(page.Select(TransactionResponse.From).ToList(), next);
    }
}
