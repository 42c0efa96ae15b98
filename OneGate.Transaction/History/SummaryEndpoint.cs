using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.History;

public sealed record SummaryLine(TransactionType Type, TransactionStatus Status, long Count, decimal Amount);

public sealed record Summary(DateTimeOffset From, DateTimeOffset To, string Currency, decimal Inflow, decimal Outflow, IReadOnlyList<SummaryLine> ByType);

public static class SummaryEndpoint
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    public static RouteGroupBuilder MapSummary(this RouteGroupBuilder group)
    {
        group.MapGet("/summary", GetSummary)
            .WithName("GetSummary")
            .WithSummary("Inflow, outflow and counts/sums by type and status for a period")
            .WithDescription("from inclusive, to exclusive (ISO 8601); defaults: the last 30 days. Inflow and outflow count SUCCESS " +
                             "transactions only (credits and debits); byType lists every status. The default period is served from a " +
                             "cache that every new or changed transaction of the caller invalidates before the request that made it returns " +
                             "(from/to then tell the period it was computed for); X-Cache says HIT, MISS or BYPASS.")
            .WithMetadata(new CachedResponse());
        return group;
    }

    private static async Task<Results<Ok<Summary>, ValidationProblem>> GetSummary(HttpContext http, TransactionDbContext db, HistoryCache cache,
        string? from, string? to, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var toTime = HistoryQuery.ParseTime(to, "to", errors);
        var fromTime = HistoryQuery.ParseTime(from, "from", errors);
        HistoryQuery.CheckRange(fromTime, toTime, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var userId = http.User.UserId();
        // The default period is what an app opens with; explicit periods are served from Postgres.
        if (fromTime is null && toTime is null)
        {
            return TypedResults.Ok(await cache.GetOrReadAsync(http, userId, "summary:default", () =>
            {
                var end = DateTimeOffset.UtcNow;
                return ComputeAsync(db, userId, end - DefaultPeriod, end, ct);
            }));
        }

        var until = toTime ?? DateTimeOffset.UtcNow;
        var since = fromTime ?? until - DefaultPeriod;
        if (since > until)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["from"] = ["Must not be after 'to'."] });
        }

        return TypedResults.Ok(await ComputeAsync(db, userId, since, until, ct));
    }

    private static async Task<Summary> ComputeAsync(TransactionDbContext db, int userId, DateTimeOffset fromTime, DateTimeOffset toTime, CancellationToken ct)
    {
        var lines = await db.HistoricalTransactions
            .Where(t => t.UserId == userId && t.CreatedAt >= fromTime && t.CreatedAt < toTime)
            .GroupBy(t => new { t.Type, t.Status, t.Direction })
            .Select(g => new { g.Key.Type, g.Key.Status, g.Key.Direction, Count = g.LongCount(), Amount = g.Sum(t => t.Amount) })
            .ToListAsync(ct);

        var byType = lines.GroupBy(l => (l.Type, l.Status))
            .Select(g => new SummaryLine(g.Key.Type, g.Key.Status, g.Sum(l => l.Count), g.Sum(l => l.Amount)))
            .OrderBy(l => l.Type).ThenBy(l => l.Status).ToList();
        var settled = lines.Where(l => l.Status == TransactionStatus.Success).ToList();
        // Summed from 0.00, not LINQ's 0, so a period without movements is echoed 0.00 like every amount.
        var inflow = settled.Where(l => l.Direction == TransactionDirection.Credit).Aggregate(0.00m, (sum, l) => sum + l.Amount);
        var outflow = settled.Where(l => l.Direction == TransactionDirection.Debit).Aggregate(0.00m, (sum, l) => sum + l.Amount);
        return new Summary(fromTime, toTime, "IDR", inflow, outflow, byType);
    }
}
