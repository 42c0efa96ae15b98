using System.Diagnostics.Metrics;

namespace OneGate.Payment.Ledger;

/// <summary>The posting engine's batches (meter <c>OneGate.Payment</c>): how many requests each committed transaction carried.</summary>
public static class PostingMetrics
{
    private static readonly Meter Meter = new(LedgerMetrics.MeterName);

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("onegate.payment.posting.batch_size", unit: "{request}",
        description: "Money requests posted by one committed batch transaction of the posting engine",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    private static readonly Counter<long> Reposts = Meter.CreateCounter<long>("onegate.payment.posting.reposts", unit: "{transaction}",
        description: "Batch transactions of the posting engine rolled back and posted again without a request whose key another request stored first");

    public static void Batch(int requests) => BatchSize.Record(requests);

    public static void Reposted() => Reposts.Add(1);
}
