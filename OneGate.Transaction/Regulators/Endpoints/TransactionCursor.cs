using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>Opaque keyset cursor over (created_at, id) of the last row of a page.</summary>
public static class TransactionCursor
{
    public static string Encode(DateTimeOffset createdAt, long id) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"v1:{createdAt.UtcTicks}:{id}")));

    public static bool TryDecode(string value, out DateTimeOffset createdAt, out long id)
    {
        createdAt = default;
        id = 0;
        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(value)).Split(':');
            if (parts is ["v1", var ticks, var rowId]
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks
                && long.TryParse(rowId, NumberStyles.None, CultureInfo.InvariantCulture, out id))
            {
                createdAt = new DateTimeOffset(t, TimeSpan.Zero);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
