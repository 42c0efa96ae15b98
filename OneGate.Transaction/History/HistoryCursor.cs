using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.Transaction.History;

/// <summary>
/// Opaque keyset cursor: the (created_at, id) of the last item of a page. Newer rows arriving between pages
/// never shift the following pages (unlike offsets), and a page costs one index range scan at any depth.
/// </summary>
public readonly record struct HistoryCursor(DateTimeOffset CreatedAt, long Id)
{
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
