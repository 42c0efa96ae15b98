using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Data;
using OneGate.Transaction.Paging;

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

    public string Encode() => CursorToken.Encode(CreatedAt, Id.ToString("N"));

    public static bool TryDecode(string? text, out AccessLogCursor cursor)
    {
        cursor = default;
        if (!CursorToken.TryDecode(text, out var createdAt, out var idText) || !Guid.TryParseExact(idText, "N", out var id))
        {
            return false;
        }

        cursor = new AccessLogCursor(createdAt, id);
        return true;
    }
}
