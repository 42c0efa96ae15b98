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

    /// <summary>
    /// Sends again while the answer is a transient one (a 503 a client retries), as a client would, until
    /// <paramref name="within"/> has passed; returns the last answer. An answer sent again is disposed.
    /// </summary>
    public static async Task<T> ServedAsync<T>(Func<Task<T>> send, Func<T, bool> unavailable, TimeSpan within, TimeSpan pause)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var answer = await send();
            if (!unavailable(answer) || DateTimeOffset.UtcNow + pause > deadline)
            {
                return answer;
            }

            (answer as IDisposable)?.Dispose();
            await Task.Delay(pause);
        }
    }
}
