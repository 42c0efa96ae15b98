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

    public static async Task<Result> RunAsync(string name, int concurrency, TimeSpan duration, Func<Task<bool>> request)
    {
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

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(name, all.Length, failures, all.Length / clock.Elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
}
