namespace OneGate.Benchmarks;

/// <summary>
/// One scrape of a Payment replica's Prometheus endpoint, taken before and after a row: the posting engine's
/// histograms (batch sizes, batch durations, queue waits) and the runtime's GC counters.
/// </summary>
public sealed record ReplicaMetrics(EngineHistogram BatchSizes, EngineHistogram BatchDurations, EngineHistogram QueueWaits, GcPauses? Gc)
{
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
            EngineHistogram.Parse(text, "onegate_payment_posting_batch_size", 1, ""),
            EngineHistogram.Parse(text, "onegate_payment_posting_batch_duration", 1000, " ms"),
            EngineHistogram.Parse(text, "onegate_payment_posting_queue_wait", 1000, " ms"),
            GcPauses.Parse(text));
    }

    public static ReplicaMetrics operator -(ReplicaMetrics after, ReplicaMetrics before) =>
        new(after.BatchSizes - before.BatchSizes, after.BatchDurations - before.BatchDurations, after.QueueWaits - before.QueueWaits,
            after.Gc is { } gc && before.Gc is { } earlier ? gc - earlier : null);
}
