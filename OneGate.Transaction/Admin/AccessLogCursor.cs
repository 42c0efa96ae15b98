using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Admin;

/// <summary>Opaque keyset cursor of the access logs: the (created_at, id) of a page's last row, newest first.</summary>
public readonly record struct AccessLogCursor(DateTimeOffset CreatedAt, Guid Id)
{
    /// <summary>The rows after this cursor in (created_at DESC, id DESC) order, as one row comparison the index scan starts at.</summary>
    public IQueryable<ApiAccessLog> RowsAfter(IQueryable<ApiAccessLog> rows)
    {
        var (createdAt, id) = (CreatedAt, Id);
        return rows.Where(l => EF.Functions.LessThan(ValueTuple.Create(l.CreatedAt, l.Id), ValueTuple.Create(createdAt, id)));
    }

    public string Encode() => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}.{Id:N}")));

    public static bool TryDecode(string? text, out AccessLogCursor cursor)
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
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and < 3155378975999999999
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new AccessLogCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
