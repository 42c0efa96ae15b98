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
                             "transactions only (credits and debits); byType lists every status.");
        return group;
    }

    private static async Task<Results<Ok<Summary>, ValidationProblem>> GetSummary(HttpContext http, TransactionDbContext db, string? from, string? to, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var toTime = HistoryQuery.ParseTime(to, "to", errors) ?? DateTimeOffset.UtcNow;
        var fromTime = HistoryQuery.ParseTime(from, "from", errors) ?? toTime - DefaultPeriod;
        HistoryQuery.CheckRange(fromTime, toTime, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var userId = http.User.UserId();
        var lines = await db.HistoricalTransactions
            .Where(t => t.UserId == userId && t.CreatedAt >= fromTime && t.CreatedAt < toTime)
            .GroupBy(t => new { t.Type, t.Status, t.Direction })
            .Select(g => new { g.Key.Type, g.Key.Status, g.Key.Direction, Count = g.LongCount(), Amount = g.Sum(t => t.Amount) })
            .ToListAsync(ct);

        var byType = lines.GroupBy(l => (l.Type, l.Status))
            .Select(g => new SummaryLine(g.Key.Type, g.Key.Status, g.Sum(l => l.Count), g.Sum(l => l.Amount)))
            .OrderBy(l => l.Type).ThenBy(l => l.Status).ToList();
        var inflow = lines.Where(l => l.Status == TransactionStatus.Success && l.Direction == TransactionDirection.Credit).Sum(l => l.Amount);
        var outflow = lines.Where(l => l.Status == TransactionStatus.Success && l.Direction == TransactionDirection.Debit).Sum(l => l.Amount);
        return TypedResults.Ok(new Summary(fromTime, toTime, "IDR", inflow, outflow, byType));
    }
}
