using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The posting engine's batches (meter <c>OneGate.Payment</c>): how many requests each committed transaction carried and
/// how long it took (by kind: money requests or top-up settlements), the steps of a money batch, how long requests
/// waited in the queue for a batch to take them; and, on either posting path, how long the ledger took to answer a
/// money request.
/// </summary>
public static class PostingMetrics
{
    private static readonly Meter Meter = new(LedgerMetrics.MeterName);

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("onegate.payment.posting.batch_size", unit: "{request}",
        description: "Requests posted by one committed batch transaction of the posting engine (kind: money requests or top-up settlements)",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    private static readonly Counter<long> Reposts = Meter.CreateCounter<long>("onegate.payment.posting.reposts", unit: "{transaction}",
        description: "Batch transactions of the posting engine rolled back and posted again without a request whose key another request stored first");

    private static readonly double[] Seconds = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 4];

    // At low load a request waits for a writer's wake-up and a step of a batch of one takes well under a millisecond.
    private static readonly double[] FineSeconds = [0.000125, 0.00025, 0.0005, .. Seconds];

    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("onegate.payment.posting.batch_duration", unit: "s",
        description: "Time a committed batch's attempt took: a pooled session, its statements and round trips, reposts within it, and its commit",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("onegate.payment.posting.queue_wait", unit: "s",
        description: "Time a request waited in the posting engine's queue until a writer took it into a batch (requests cancelled meanwhile not counted)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FineSeconds });

    private static readonly Histogram<double> BatchStep = Meter.CreateHistogram<double>("onegate.payment.posting.batch_step", unit: "s",
        description: "Time one step of a money batch attempt took, steps that completed only (a lock timeout or failed write is not recorded): " +
                     "lock (taking a pooled session and the first round trip: open, lock and read the accounts, read the keys), " +
                     "post (the requests posted in memory against the locked balances), write (the writes and the commit, one round trip); " +
                     "a batch of one pay or transfer in the single-request statements has lock (its balance moves, which lock) and write, no post",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FineSeconds });

    // A request's whole posting takes a few milliseconds at low load, where the two posting paths differ by fractions of one.
    private static readonly double[] RequestSeconds =
        [0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.00175, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.005, 0.006, 0.008, 0.010, 0.012, .. Seconds[4..]];

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("onegate.payment.posting.request_duration", unit: "s",
        description: "Time from a money request handed to the ledger until its answer, answered requests only (path engine: the queue, its " +
                     "batch and the history cache's invalidation; path transaction: its own transaction, commit and invalidation)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestSeconds });

    /// <param name="settlements">A batch of top-up settlements (kind "settlement"), not of money requests ("money").</param>
    public static void Batch(int requests, TimeSpan took, bool settlements)
    {
        var kind = new KeyValuePair<string, object?>("kind", settlements ? "settlement" : "money");
        Record(BatchSize, requests, kind);
        Record(BatchDuration, took.TotalSeconds, kind);
    }

    /// <summary>Records a step that began at <paramref name="startedAt"/> and starts the next one there (now).</summary>
    /// <param name="step">lock, post or write (<see cref="BatchStep"/>).</param>
    public static void Step(string step, ref long startedAt)
    {
        var now = Stopwatch.GetTimestamp();
        Record(BatchStep, Stopwatch.GetElapsedTime(startedAt, now).TotalSeconds, new KeyValuePair<string, object?>("step", step));
        startedAt = now;
    }

    /// <param name="batched">Posted by the engine, not in a transaction of its own (<see cref="PostingOptions.Batched"/>).</param>
    public static void Answered(TimeSpan took, bool batched) =>
        Record(RequestDuration, took.TotalSeconds, new KeyValuePair<string, object?>("path", batched ? "engine" : "transaction"));

    public static void Waited(TimeSpan waited) => Record(QueueWait, waited.TotalSeconds);

    public static void Reposted() => Reposts.Add(1);

    /// <summary>
    /// A listener's exception is dropped: most of these are recorded on the writer loop, some after a COMMIT, where a
    /// throw would fail requests that committed or stop the writer; a request's own duration after its answer was decided.
    /// </summary>
    private static void Record<T>(Histogram<T> histogram, T value, params ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        try
        {
            histogram.Record(value, tags);
        }
        catch (Exception)
        {
            // Telemetry only.
        }
    }
}
