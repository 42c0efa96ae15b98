using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

public static class DailyReportEndpoint
{
    public static RouteGroupBuilder MapDailyReport(this RouteGroupBuilder group)
    {
        group.MapGet("/reports/daily", GetDailyReport)
            .WithName("GetDailyReport")
            .WithSummary("Totals of one day (READ_REPORTS)")
            .WithDescription("""
                `date` (required, `YYYY-MM-DD`) is a day in WIB (UTC+7). Totals count and sum the transactions with
                `is_accessible_external` created that day, per type, status and payment method (`paymentMethod` null
                for movements without an e-wallet provider), as maintained from Payment's events; a day without
                transactions has an empty `totals`. Amounts are IDR.
                """)
            .WithMetadata(
                new RequiredApiPermission(ApiPermission.ReadReports),
                new DocumentedQueryParameter("date", "The WIB day, YYYY-MM-DD.", Required: true));
        return group;
    }

    private static async Task<Results<Ok<DailyReport>, ValidationProblem>> GetDailyReport(
        HttpRequest request, TransactionDbContext db, CancellationToken cancellationToken)
    {
        // Read by hand (not bound) so a malformed query reaches the X-API-Key filter first and is a validation problem.
        var dates = request.Query["date"];
        if (dates.Count != 1 || !DateOnly.TryParseExact(dates[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["date"] = ["Required, as YYYY-MM-DD."] });
        }

        var rows = await db.DailyReportTotals.AsNoTracking()
            .Where(r => r.ReportDate == day)
            .OrderBy(r => r.Type).ThenBy(r => r.Status).ThenBy(r => r.PaymentMethod)
            .ToListAsync(cancellationToken);

        var totals = rows
            .Where(r => LedgerLabels.Types.ContainsKey(r.Type) && LedgerLabels.Statuses.ContainsKey(r.Status))
            .Select(r => new DailyReportLine(LedgerLabels.Types[r.Type], LedgerLabels.Statuses[r.Status],
                LedgerLabels.PaymentMethods.TryGetValue(r.PaymentMethod, out var method) ? method : null, r.Count, r.Amount))
            .ToList();
        return TypedResults.Ok(new DailyReport(day, "IDR", totals));
    }
}
