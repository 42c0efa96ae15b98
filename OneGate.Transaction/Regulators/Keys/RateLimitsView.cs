using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>Rate-limit windows as requests per minute, hour and day (null: no such window).</summary>
public sealed record RateLimitsView(int? PerMinute = null, int? PerHour = null, int? PerDay = null)
{
    /// <summary>The most any window allows.</summary>
    public const int MaxLimit = 1_000_000;

    public static RateLimitsView Of(IEnumerable<RateLimitWindow> windows)
    {
        var list = windows.ToList();
        int? Of(RateLimitUnit unit) => list.FirstOrDefault(w => w.Unit == unit)?.Limit;
        return new RateLimitsView(Of(RateLimitUnit.Minute), Of(RateLimitUnit.Hour), Of(RateLimitUnit.Day));
    }

    public List<RateLimitWindow> Windows() => RateLimitDefaults.Windows(PerMinute, PerHour, PerDay);

    /// <summary>
    /// What is wrong with these limits, or null: at least one window, each 1 to <see cref="MaxLimit"/>, and a longer window
    /// allowing no fewer requests than a shorter one (else the shorter one could never be reached).
    /// </summary>
    public string? Error()
    {
        int?[] values = [PerMinute, PerHour, PerDay];
        if (values.All(v => v is null))
        {
            return "At least one of perMinute, perHour, perDay.";
        }

        if (values.Any(v => v is < 1 or > MaxLimit))
        {
            return $"Each limit is a whole number from 1 to {MaxLimit}.";
        }

        var given = values.OfType<int>().ToList();
        return given.Zip(given.Skip(1)).Any(p => p.First > p.Second) ? "A longer window cannot allow fewer requests than a shorter one." : null;
    }
}
