using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;
using OneGate.Transaction.Paging;

namespace OneGate.Transaction.History;

/// <summary>
/// Opaque keyset cursor: the (created_at, id) of the last item of a page. Newer rows arriving between pages
/// never shift the following pages (unlike offsets), and a page costs one index range scan at any depth.
/// </summary>
public readonly record struct HistoryCursor(DateTimeOffset CreatedAt, long Id)
{
    /// <summary>
    /// The rows after this cursor in (created_at DESC, id DESC) order, as one row comparison
    /// (<c>(created_at, id) &lt; (@c, @i)</c>): Postgres starts the index scan at the cursor. The equivalent
    /// <c>created_at &lt; c OR (created_at = c AND id &lt; i)</c> is only a filter, so a deep page scanned every
    /// newer row first.
    /// </summary>
    public IQueryable<HistoricalTransaction> RowsAfter(IQueryable<HistoricalTransaction> rows)
    {
        var (createdAt, id) = (CreatedAt, Id);
        return rows.Where(t => EF.Functions.LessThan(ValueTuple.Create(t.CreatedAt, t.Id), ValueTuple.Create(createdAt, id)));
    }

    public string Encode() => CursorToken.Encode(CreatedAt, Id.ToString(CultureInfo.InvariantCulture));

    public static bool TryDecode(string? text, out HistoryCursor cursor)
    {
        cursor = default;
        if (!CursorToken.TryDecode(text, out var createdAt, out var idText)
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new HistoryCursor(createdAt, id);
        return true;
    }
}
