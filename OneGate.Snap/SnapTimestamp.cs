using System.Globalization;

namespace OneGate.Snap;

/// <summary>
/// <c>X-TIMESTAMP</c>: ISO 8601 with an offset. We send Jakarta time with <c>+07:00</c> (several providers require
/// it) and accept any offset, refusing a time further than the allowed skew from ours.
/// </summary>
public static class SnapTimestamp
{
    private static readonly TimeSpan Jakarta = TimeSpan.FromHours(7);

    public static string Format(DateTimeOffset at) =>
        at.ToOffset(Jakarta).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        // An offset is mandatory: a bare local time would be read in this machine's zone.
        return text is { Length: >= 20 and <= 40 }
               && (text.EndsWith('Z') || text[^6] is '+' or '-')
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
    }

    /// <summary>True when <paramref name="text"/> is a timestamp within <paramref name="skew"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(string? text, DateTimeOffset now, TimeSpan skew) =>
        TryParse(text, out var at) && (at - now).Duration() <= skew;

    /// <summary>The provider's calendar day (Jakarta), which scopes <c>X-EXTERNAL-ID</c> uniqueness.</summary>
    public static DateOnly ProviderDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Jakarta).DateTime);
}
