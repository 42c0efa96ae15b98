using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.Transaction.Paging;

/// <summary>
/// The opaque text of a keyset cursor: base64url of <c>{created_at ticks}.{id}</c>. Shared by the cursors of the
/// history and of the access logs, which differ only in the id's type and the rows they page.
/// </summary>
public static class CursorToken
{
    public static string Encode(DateTimeOffset createdAt, string id) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{createdAt.UtcTicks}.{id}")));

    /// <summary>The time and the id's text, or false for anything that is not a token this service wrote.</summary>
    public static bool TryDecode(string? text, out DateTimeOffset createdAt, out string id)
    {
        (createdAt, id) = (default, "");
        if (string.IsNullOrEmpty(text) || text.Length > 100)
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(text)).Split('.');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and < 3155378975999999999)
            {
                (createdAt, id) = (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1]);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
