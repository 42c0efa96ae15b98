using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.Pseudonyms;

namespace OneGate.Transaction.Regulators.Endpoints;

public static class ExternalTransactionsEndpoint
{
    private static readonly TimeSpan Wib = TimeSpan.FromHours(7);

    public static RouteGroupBuilder MapExternalTransactions(this RouteGroupBuilder group)
    {
        group.MapGet("/transactions", GetTransactions)
            .WithName("GetExternalTransactions")
            .WithSummary("Transactions visible to regulators (READ_TRANSACTIONS)")
            .WithDescription("""
                Only ledger rows marked `is_accessible_external`, newest first, keyset-paginated (`limit` 1–100, default 20;
                `cursor` is the previous page's opaque `nextCursor`).
                Filters: `type` (TOPUP, PAYMENT, REFUND, TRANSFER), `status` (PENDING, SUCCESS, FAILED, CANCELLED),
                `from` (inclusive) and `to` (exclusive): an ISO 8601 date-time (without an offset it is UTC), or a date
                `YYYY-MM-DD` meaning that day in WIB (UTC+7) — `from` its start, `to` the end of that day.

                Personal data: no email, no name, no description or external reference. `accountRef` is a stable
                pseudonym of the account (HMAC-SHA256 with a server secret): the same account always has the same
                `accountRef`, and it cannot be turned back into the account. `maskedUsername` keeps the first two and
                the last character with `***` between (`bu***i`; names of 3 characters or fewer are `***`);
                `maskedPhone` keeps the first five digits after `+` and the last four, every other digit `*`
                (`+62812****5678`; fewer than 10 digits: `+***`). Masked from the user's latest state that Auth published
                on `onegate.users.v1` (usually within a second of registration or a change). Never null: a user whose
                event has not arrived yet is masked whole (`***`, `+***`).

                Needs `X-API-Key` with READ_TRANSACTIONS. Every response to a valid key carries `RateLimit-Limit`,
                `RateLimit-Remaining` and `RateLimit-Reset` for the key's most constrained window.
                """)
            .WithMetadata(
                new RequiredApiPermission(ApiPermission.ReadTransactions),
                new DocumentedQueryParameter("from", "Inclusive start: ISO 8601 date-time, or YYYY-MM-DD (start of that WIB day)."),
                new DocumentedQueryParameter("to", "Exclusive end: ISO 8601 date-time, or YYYY-MM-DD (end of that WIB day)."),
                new DocumentedQueryParameter("type", "TOPUP, PAYMENT, REFUND or TRANSFER."),
                new DocumentedQueryParameter("status", "PENDING, SUCCESS, FAILED or CANCELLED."),
                new DocumentedQueryParameter("limit", "Page size, 1-100 (default 20)."),
                new DocumentedQueryParameter("cursor", "The previous page's nextCursor."));
        return group;
    }

    private static async Task<Results<Ok<RegulatorTransactionPage>, ValidationProblem>> GetTransactions(
        HttpRequest request, TransactionDbContext db, AccountPseudonyms pseudonyms, CancellationToken cancellationToken)
    {
        // Read by hand (not bound) so a malformed query reaches the X-API-Key filter first and is a validation problem.
        var errors = new Dictionary<string, string[]>();
        var (from, to, type, status, limit, cursor) = (Query(request, "from", errors), Query(request, "to", errors),
            Query(request, "type", errors), Query(request, "status", errors), Query(request, "limit", errors), Query(request, "cursor", errors));
        var fromAt = ParseInstant(from, endOfDay: false, "from", errors);
        var toAt = ParseInstant(to, endOfDay: true, "to", errors);
        if (fromAt is not null && toAt is not null && fromAt >= toAt)
        {
            errors["to"] = ["Must be later than 'from'."];
        }

        TransactionType? typeFilter = null;
        if (type is not null)
        {
            if (LedgerLabels.Types.TryGetValue(type, out var t))
            {
                typeFilter = t;
            }
            else
            {
                errors["type"] = ["Must be one of TOPUP, PAYMENT, REFUND, TRANSFER."];
            }
        }

        TransactionStatus? statusFilter = null;
        if (status is not null)
        {
            if (LedgerLabels.Statuses.TryGetValue(status, out var s))
            {
                statusFilter = s;
            }
            else
            {
                errors["status"] = ["Must be one of PENDING, SUCCESS, FAILED, CANCELLED."];
            }
        }

        var pageSize = 20;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 100))
        {
            errors["limit"] = ["Must be an integer from 1 to 100."];
        }

        History.HistoryCursor after = default;
        if (cursor is not null && !History.HistoryCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["Not a cursor returned by this endpoint."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var query = db.HistoricalTransactions.Where(t => t.IsAccessibleExternal);
        if (fromAt is { } f)
        {
            query = query.Where(t => t.CreatedAt >= f);
        }

        if (toAt is { } u)
        {
            query = query.Where(t => t.CreatedAt < u);
        }

        if (typeFilter is { } tf)
        {
            query = query.Where(t => t.Type == tf);
        }

        if (statusFilter is { } sf)
        {
            query = query.Where(t => t.Status == sf);
        }

        if (cursor is not null)
        {
            query = after.RowsAfter(query);
        }

        var rows = await query
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Take(pageSize + 1)
            .Select(t => new { t.Id, t.TransactionId, t.AccountId, t.UserId, t.Type, t.Status, t.Direction, t.Amount, t.Currency, t.PaymentMethod, t.CreatedAt })
            .ToListAsync(cancellationToken);

        var page = rows.Take(pageSize).ToList();
        var next = rows.Count > pageSize ? new History.HistoryCursor(page[^1].CreatedAt, page[^1].Id).Encode() : null;
        var masks = await MasksAsync(db, page.Select(t => t.UserId), cancellationToken);
        var items = page.Select(t => (Row: t, Mask: masks.GetValueOrDefault(t.UserId))).Select(x => new RegulatorTransaction(
            x.Row.TransactionId, pseudonyms.Of(x.Row.AccountId), x.Row.Type, x.Row.Status, x.Row.Direction, x.Row.Amount, x.Row.Currency.Trim(),
            x.Row.PaymentMethod, x.Row.CreatedAt,
            // A user whose event has not arrived yet is masked from nothing: hidden whole, never null.
            MaskedUsername: x.Mask?.MaskedUsername ?? PersonalDataMask.Username(null),
            MaskedPhone: x.Mask?.MaskedPhone ?? PersonalDataMask.Phone(null))).ToList();
        return TypedResults.Ok(new RegulatorTransactionPage(items, next));
    }

    /// <summary>The page's users' masks, from Auth's user events (<c>masked_users</c>); users not heard of yet are absent.</summary>
    private static async Task<Dictionary<int, MaskedUser>> MasksAsync(TransactionDbContext db, IEnumerable<int> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        return await db.MaskedUsers.AsNoTracking().Where(u => ids.Contains(u.UserId)).ToDictionaryAsync(u => u.UserId, ct);
    }

    private static string? Query(HttpRequest request, string name, Dictionary<string, string[]> errors)
    {
        var values = request.Query[name];
        if (values.Count > 1)
        {
            errors[name] = ["Give it at most once."];
            return null;
        }

        return values.Count == 1 ? values[0] : null;
    }

    private static DateTimeOffset? ParseInstant(string? value, bool endOfDay, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Wib);
            return (endOfDay ? start.AddDays(1) : start).ToUniversalTime();
        }

        if (value.Length <= 40 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            && value.Contains('T', StringComparison.Ordinal))
        {
            return instant.ToUniversalTime();
        }

        errors[field] = ["Must be an ISO 8601 date-time (e.g. 2026-11-24T10:15:00Z) or a date YYYY-MM-DD (a WIB day)."];
        return null;
    }
}
