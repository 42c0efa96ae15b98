using System.Globalization;
using Microsoft.EntityFrameworkCore;
namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// The result of walking <c>audit_events</c> in id order, recomputing every hash from the previous one
/// (<see cref="AuditChain"/>): intact with its head (the last id and hash), or the first row that does not fit — a
/// changed row, a row whose predecessor was changed or removed, or a missing id. Used by <c>audit verify</c> and by
/// <c>GET /api/admin/audit/verify</c> of a service.
/// </summary>
/// <param name="Events">Rows checked before the first broken one (all of them when intact).</param>
/// <param name="HeadHash">The hash (hex) of the last intact row (32 zero bytes before row 1).</param>
/// <param name="BrokenAt">The id of the first row that does not fit; null when intact.</param>
public sealed record AuditVerification(bool Intact, long Events, string HeadHash, long? BrokenAt, string? Problem)
{
    public static async Task<AuditVerification> RunAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var previous = AuditChain.Genesis.ToArray();
        var expectedId = 1L;
        await foreach (var row in InPagesAsync(db.Set<AuditEvent>().AsNoTracking(), cancellationToken))
        {
            if (row.Id != expectedId)
            {
                return Broken(expectedId, previous, string.Create(CultureInfo.InvariantCulture, $"it is missing (the next row is {row.Id})."));
            }

            if (!AuditChain.Hash(previous, row).AsSpan().SequenceEqual(row.Hash))
            {
                return Broken(row.Id, previous, string.Create(CultureInfo.InvariantCulture,
                    $"its hash does not match its content and the hash of event {row.Id - 1}."));
            }

            previous = row.Hash;
            expectedId++;
        }

        return new AuditVerification(true, expectedId - 1, Convert.ToHexStringLower(previous), null, null);
    }

    /// <summary>
    /// <paramref name="rows"/> in id order, read a page at a time: with a retrying execution strategy EF buffers a
    /// whole result before the first row, and a trail holds every login of every user.
    /// </summary>
    public static async IAsyncEnumerable<AuditEvent> InPagesAsync(IQueryable<AuditEvent> rows,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var after = 0L;
        while (true)
        {
            var last = after;
            var page = await rows.Where(e => e.Id > last).OrderBy(e => e.Id).Take(PageSize).ToListAsync(cancellationToken);
            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    private const int PageSize = 1000;

    private static AuditVerification Broken(long id, byte[] previous, string problem) =>
        new(false, id - 1, Convert.ToHexStringLower(previous), id, problem);
}
