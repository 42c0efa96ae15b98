namespace OneGate.Benchmarks;

/// <summary>
/// One scrape of a Payment replica's Prometheus endpoint, taken before and after a row: the posting engine's
/// histograms (batch sizes, batch durations and their steps, queue waits), how long the ledger took to answer each
/// money request (either path) and the runtime's GC counters.
/// </summary>
public sealed record ReplicaMetrics(EngineHistogram BatchSizes, EngineHistogram BatchDurations, EngineHistogram QueueWaits, GcPauses? Gc,
    IReadOnlyDictionary<string, EngineHistogram> Steps, EngineHistogram Postings)
{
    private const string MoneyBatches = "kind=\"money\"";

    /// <summary>The steps of a batch attempt (<c>onegate.payment.posting.batch_step</c>), in order.</summary>
    public static readonly string[] StepNames = ["lock", "post", "write"];

    public static async Task<ReplicaMetrics> ReadAsync(HttpClient payment)
    {
        string text;
        try
        {
            text = await payment.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        catch (HttpRequestException)
        {
            text = ""; // No /metrics on this stack (OneGate:Metrics:PrometheusEndpoint off): nothing to show.
        }

        return new ReplicaMetrics(
            EngineHistogram.Parse(text, "onegate_payment_posting_batch_size", 1, "", MoneyBatches),
            EngineHistogram.Parse(text, "onegate_payment_posting_batch_duration", 1000, " ms", MoneyBatches),
            EngineHistogram.Parse(text, "onegate_payment_posting_queue_wait", 1000, " ms"),
            GcPauses.Parse(text),
            StepNames.ToDictionary(step => step, step => EngineHistogram.Parse(text, "onegate_payment_posting_batch_step", 1000, " ms", $"step=\"{step}\"")),
            EngineHistogram.Parse(text, "onegate_payment_posting_request_duration", 1000, " ms"));
    }

    public static ReplicaMetrics operator -(ReplicaMetrics after, ReplicaMetrics before) =>
        new(after.BatchSizes - before.BatchSizes, after.BatchDurations - before.BatchDurations, after.QueueWaits - before.QueueWaits,
            after.Gc is { } gc && before.Gc is { } earlier ? gc - earlier : null,
            StepNames.ToDictionary(step => step, step => after.Steps[step] - before.Steps[step]), after.Postings - before.Postings);
}
