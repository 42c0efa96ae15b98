using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OneGate.Transaction.Data;

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

    public string Encode() => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}.{Id}")));

    public static bool TryDecode(string? text, out HistoryCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 100)
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(text)).Split('.');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && ticks is > 0 and < 3155378975999999999)
            {
                cursor = new HistoryCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
