namespace OneGate.Tests.Support;

/// <summary>Bounded polling for state that settles asynchronously (background services, notifications).</summary>
public static class Eventually
{
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what) => HoldsAsync(condition, within, () => what);

    /// <param name="what">Described when the deadline passes (so it can name the last state seen).</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> what)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"not within {within}: {what()}");
            await Task.Delay(200);
        }
    }
}
