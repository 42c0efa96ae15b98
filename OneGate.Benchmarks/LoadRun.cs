using System.Diagnostics;
using System.Globalization;

namespace OneGate.Benchmarks;

/// <summary>Runs a request in a closed loop from N workers for a fixed time and reports rate and latency.</summary>
public static class LoadRun
{
    public sealed record Result(string Name, int Requests, int Failures, double PerSecond, double P50Ms, double P99Ms)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Requests} | {Failures} | {PerSecond:F1} | {P50Ms:F1} | {P99Ms:F1} |");
    }

    /// <summary>Raised when a row starts and when it ends (the report measures CPU during the first row).</summary>
    public static event Action<string>? RowStarting;

    public static event Action<string>? RowFinished;

    /// <summary>
    /// The same closed loop, measured by nobody: the first seconds of load open the services' database connections,
    /// prepare statements on them and let the JIT optimise the hot path, which a row should not report as latency.
    /// </summary>
    public static async Task WarmUpAsync(int concurrency, TimeSpan duration, Func<Task<bool>> request)
    {
        Console.Error.WriteLine($"warm-up: {concurrency} clients, {duration.TotalSeconds:F0} s (not measured)");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                await request();
            }
        }));
    }

    public static async Task<Result> RunAsync(string name, int concurrency, TimeSpan duration, Func<Task<bool>> request)
    {
        Console.Error.WriteLine($"load: {name} ({concurrency} clients, {duration.TotalSeconds:F0} s)");
        RowStarting?.Invoke(name);
        var latencies = new List<double>[concurrency];
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await request();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));

        return Finish(name, latencies.SelectMany(l => l), failures, clock.Elapsed);
    }

    /// <summary>
    /// Open loop: starts requests at a fixed offered rate whatever the answers do, at most
    /// <paramref name="maxInFlight"/> at once (like that many connections). Latency is measured from when a
    /// request was due, not from when a free connection sent it, so waiting behind slow answers counts
    /// (no coordinated omission).
    /// </summary>
    public static async Task<Result> RunAtRateAsync(string name, double perSecond, int maxInFlight, TimeSpan duration, Func<Task<bool>> request)
    {
        Console.Error.WriteLine($"load: {name} ({perSecond:F0}/s offered, at most {maxInFlight} in flight, {duration.TotalSeconds:F0} s)");
        RowStarting?.Invoke(name);
        using var slots = new SemaphoreSlim(maxInFlight);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failures = 0;
        var running = new List<Task>();
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        var clock = Stopwatch.StartNew();
        for (var n = 0L; ; n++)
        {
            var due = interval * n;
            if (due >= duration)
            {
                break;
            }

            // Read the clock once: read twice, it can pass the due time in between (a negative delay throws).
            if (due - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            await slots.WaitAsync();
            running.Add(Task.Run(async () =>
            {
                try
                {
                    if (!await request())
                    {
                        Interlocked.Increment(ref failures);
                    }

                    latencies.Add((clock.Elapsed - due).TotalMilliseconds);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(running);
        return Finish(name, latencies, failures, clock.Elapsed);
    }

    private static Result Finish(string name, IEnumerable<double> latencies, int failures, TimeSpan elapsed)
    {
        RowFinished?.Invoke(name);
        var all = latencies.Order().ToArray();
        return new Result(name, all.Length, failures, all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    internal static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
