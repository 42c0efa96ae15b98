using System.Security.Cryptography;

namespace OneGate.Snap;

/// <summary>
/// <c>X-EXTERNAL-ID</c>: numeric, at most 36 characters, unique per partner per provider day. The provider's date
/// (yyyyMMdd, Jakarta) followed by 28 random digits (~93 bits): unique without coordination between replicas.
/// A caller that may retry a call persists the id with the call and sends it again with the identical body.
/// </summary>
public static class SnapExternalIds
{
    public static string New(DateTimeOffset now)
    {
        Span<char> digits = stackalloc char[28];
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return SnapTimestamp.ProviderDay(now).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + new string(digits);
    }

    public static bool IsValid(string? id) => id is { Length: > 0 and <= 36 } && id.AsSpan().ContainsOnlyDigits();
}
