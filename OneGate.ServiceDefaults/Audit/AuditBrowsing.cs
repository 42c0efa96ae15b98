using Microsoft.EntityFrameworkCore;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>Pages of an audit trail, newest first, behind a cursor (the id of the last row shown: the next page is below it).</summary>
public static class AuditBrowsing
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>
    /// The filter's errors and the page size's, by query parameter (empty when fine). The size is parsed strictly (no
    /// sign, spaces or exponent), as the history's limit is: " 5" is a mistake, not 5.
    /// </summary>
    public static Dictionary<string, string[]> Errors(AuditFilter filter, string? limit, out int pageSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = filter.Errors();
        pageSize = PageSize.Parse(limit, DefaultPageSize, MaxPageSize, errors);
        return errors;
    }

    public static async Task<AuditPage> PageAsync(IQueryable<AuditEvent> rows, AuditFilter filter, long? cursor, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var found = await filter.Apply(rows).Where(e => cursor == null || e.Id < cursor)
            .OrderByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var page = found.Take(pageSize).Select(AuditEventResponse.From).ToList();
        return new AuditPage(page, found.Count > pageSize ? page[^1].Id : null);
    }
}
