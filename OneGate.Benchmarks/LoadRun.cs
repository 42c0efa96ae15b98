using System.Diagnostics;
using System.Globalization;

namespace OneGate.Benchmarks;

/// <summary>Runs a request in a closed loop from N workers for a fixed time and reports rate and latency.</summary>
public static class LoadRun
{
    public sealed record Result(string Name, int Requests, int Failures, double PerSecond, double P50Ms, double P99Ms, TailShape? Tail = null)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Requests} | {Failures} | {PerSecond:F1} | {P50Ms:F1} | {P99Ms:F1} |");
    }

    /// <summary>
    /// When in the row the slowest 1 % of requests ended, by windows of 100 ms: spread over most windows, the tail is
    /// the load's own queueing; packed into a few, something stalled (a pause, a checkpoint, a burst of other work).
    /// </summary>
    public sealed record TailShape(int Slow, int Windows, int WindowsInRow, int Busiest)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"the slowest 1 % ({Slow}) ended in {Windows} of {WindowsInRow} windows of 100 ms, at most {Busiest} in one");

        public static TailShape From(IReadOnlyList<(double Ms, double EndSeconds)> requests, double p99, TimeSpan duration)
        {
            var slow = requests.Where(r => r.Ms >= p99).GroupBy(r => (int)(r.EndSeconds * 10)).Select(w => w.Count()).ToList();
            return new TailShape(slow.Sum(), slow.Count, (int)Math.Ceiling(duration.TotalSeconds * 10), slow.DefaultIfEmpty(0).Max());
        }
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
        var requests = new List<(double Ms, double EndSeconds)>[concurrency];
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = requests[worker] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await request();
                mine.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, clock.Elapsed.TotalSeconds));
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));

        var all = requests.SelectMany(r => r).ToList();
        var result = Finish(name, all.Select(r => r.Ms), failures, clock.Elapsed);
        return result with { Tail = TailShape.From(all, result.P99Ms, clock.Elapsed) };
    }

    /// <summary>
    /// The closed loop offered to several paths in turns of <paramref name="turn"/>, each for <paramref name="perPath"/>
    /// in all: every worker sends its next request to the path whose turn it is when it sends it. Separate rows of
    /// two identical replicas differed by up to 10 % (the machine's speed drifts between them, autovacuum lands in
    /// one); in turns both see the same moments. Order rotating and first round unmeasured as in
    /// <see cref="RunAtRateInTurnsAsync"/>; a request counts for the turn it was sent in. One result per path.
    /// </summary>
    public static async Task<Result[]> RunInTurnsAsync(string name, IReadOnlyList<(string Name, Func<Task<bool>> Request)> paths,
        int concurrency, TimeSpan perPath, TimeSpan turn)
    {
        // Whole turns per path, or the rotation would give some paths a turn more than others.
        ArgumentOutOfRangeException.ThrowIfNotEqual(perPath.Ticks % turn.Ticks, 0L, nameof(perPath));
        Console.Error.WriteLine($"load: {name} ({concurrency} clients in turns of {turn.TotalSeconds:F0} s, {perPath.TotalSeconds:F0} s per path)");
        RowStarting?.Invoke(name);
        var round = turn * paths.Count;
        var total = round + (perPath * paths.Count);
        var latencies = paths.Select(_ => new System.Collections.Concurrent.ConcurrentBag<double>()).ToArray();
        var failures = new int[paths.Count];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var sent = clock.Elapsed; sent < total; sent = clock.Elapsed)
            {
                var path = TurnOf(sent.Ticks / turn.Ticks, paths.Count);
                var started = Stopwatch.GetTimestamp();
                var ok = await paths[path].Request();
                if (sent >= round)
                {
                    latencies[path].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Add(ref failures[path], ok ? 0 : 1);
                }
            }
        }));

        var elapsed = clock.Elapsed; // once: read per path, each later path would get a longer time
        RowFinished?.Invoke(name);
        return [.. paths.Select((path, i) => Measure(path.Name, latencies[i], failures[i], (elapsed - round) / paths.Count))];
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
        var (latencies, failures, elapsed) = await OfferAsync(perSecond, maxInFlight, duration, duration, TimeSpan.Zero, [request]);
        var result = Finish(name, latencies[0].Select(l => l.Ms), failures[0], elapsed);
        return result with { Tail = TailShape.From([.. latencies[0]], result.P99Ms, elapsed) };
    }

    /// <summary>
    /// The same open loop offered to several paths in turns of <paramref name="turn"/>, each for
    /// <paramref name="perPath"/> in all: rows run one after the other compare paths at different moments of a
    /// machine whose speed drifts; in turns, a drift or a stall lands on every path alike. The order of the turns
    /// rotates every round (no path always follows the same one), and the first round is offered but not measured
    /// (its first turn would pay the checkpoint before the row). One result per path, in the paths' order.
    /// </summary>
    public static async Task<Result[]> RunAtRateInTurnsAsync(string name, IReadOnlyList<(string Name, Func<Task<bool>> Request)> paths,
        double perSecond, int maxInFlight, TimeSpan perPath, TimeSpan turn)
    {
        Console.Error.WriteLine($"load: {name} ({perSecond:F0}/s offered in turns of {turn.TotalSeconds:F0} s, {perPath.TotalSeconds:F0} s per path)");
        RowStarting?.Invoke(name);
        var round = turn * paths.Count;
        var (latencies, failures, elapsed) = await OfferAsync(perSecond, maxInFlight, round + (perPath * paths.Count), turn, round,
            [.. paths.Select(p => p.Request)]);
        RowFinished?.Invoke(name);
        return [.. paths.Select((path, i) => Measure(path.Name, latencies[i].Select(l => l.Ms), failures[i], (elapsed - round) / paths.Count))];
    }

    /// <summary>
    /// Starts requests at a fixed offered rate, each due time's to the path whose turn it is, at most
    /// <paramref name="maxInFlight"/> of a path at once (a path's stall does not hold the next path's requests).
    /// Latency is measured from when a request was due (see <see cref="RunAtRateAsync"/>); requests due before
    /// <paramref name="unmeasured"/> are sent but not counted.
    /// </summary>
    private static async Task<(System.Collections.Concurrent.ConcurrentBag<(double Ms, double EndSeconds)>[] Latencies, int[] Failures, TimeSpan Elapsed)>
        OfferAsync(double perSecond, int maxInFlight, TimeSpan duration, TimeSpan turn, TimeSpan unmeasured, Func<Task<bool>>[] requests)
    {
        var slots = requests.Select(_ => new SemaphoreSlim(maxInFlight)).ToArray();
        var latencies = requests.Select(_ => new System.Collections.Concurrent.ConcurrentBag<(double Ms, double EndSeconds)>()).ToArray();
        var failures = new int[requests.Length];
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

            var path = TurnOf(due.Ticks / turn.Ticks, requests.Length);
            var measured = due >= unmeasured;
            running.Add(Task.Run(async () =>
            {
                await slots[path].WaitAsync();
                try
                {
                    var ok = await requests[path]();
                    var now = clock.Elapsed;
                    if (measured)
                    {
                        latencies[path].Add(((now - due).TotalMilliseconds, now.TotalSeconds));
                        Interlocked.Add(ref failures[path], ok ? 0 : 1);
                    }
                }
                finally
                {
                    slots[path].Release();
                }
            }));
        }

        await Task.WhenAll(running);
        Array.ForEach(slots, s => s.Dispose());
        return (latencies, failures, clock.Elapsed);
    }

    /// <summary>The path of the <paramref name="k"/>th turn: rounds of one turn per path, each round's order rotated by one.</summary>
    private static int TurnOf(long k, int paths) => (int)((k + (k / paths)) % paths);

    private static Result Finish(string name, IEnumerable<double> latencies, int failures, TimeSpan elapsed)
    {
        RowFinished?.Invoke(name);
        return Measure(name, latencies, failures, elapsed);
    }

    private static Result Measure(string name, IEnumerable<double> latencies, int failures, TimeSpan elapsed)
    {
        var all = latencies.Order().ToArray();
        return new Result(name, all.Length, failures, all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    internal static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
