using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>The seed's limits per regulator (also the defaults of <c>keys create</c> for that service).</summary>
public static class RateLimitDefaults
{
    public static List<RateLimitWindow> For(string serviceCode) => serviceCode == RegulatorServices.Ojk
        ? Windows(200, 2_000, 20_000)
        : Windows(100, 1_000, 10_000);

    public static List<RateLimitWindow> Windows(int? perMinute, int? perHour, int? perDay)
    {
        var windows = new List<RateLimitWindow>();
        if (perMinute is { } m)
        {
            windows.Add(new RateLimitWindow { Unit = RateLimitUnit.Minute, Limit = m });
        }

        if (perHour is { } h)
        {
            windows.Add(new RateLimitWindow { Unit = RateLimitUnit.Hour, Limit = h });
        }

        if (perDay is { } d)
        {
            windows.Add(new RateLimitWindow { Unit = RateLimitUnit.Day, Limit = d });
        }

        return windows;
    }

    /// <summary>Sets the windows and the ERD's primary window (the shortest one) on a key.</summary>
    public static void Apply(ApiKey key, List<RateLimitWindow> windows)
    {
        var primary = windows.OrderBy(w => w.Unit).First();
        key.RateLimits = windows;
        key.RateLimitCount = primary.Limit;
        key.RateLimitUnit = primary.Unit;
    }
}
