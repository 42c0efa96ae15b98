namespace OneGate.ServiceDefaults;

/// <summary>Waits between attempts at something failing: a first wait, then twice the last, never above a ceiling.</summary>
public static class Backoff
{
    /// <param name="last">The wait before the previous attempt; zero before the first failure.</param>
    public static TimeSpan Next(TimeSpan last, TimeSpan first, TimeSpan max) =>
        last == TimeSpan.Zero ? first : TimeSpan.FromTicks(Math.Min(last.Ticks * 2, max.Ticks));
}
