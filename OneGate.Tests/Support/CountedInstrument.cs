using System.Diagnostics.Metrics;

namespace OneGate.Tests.Support;

/// <summary>
/// Sums what one in-process counter records while it is alive (code the test runs in its own process, e.g. a
/// <c>PostingReplica</c>; the app's processes report through <see cref="OtlpMetricsReceiver"/>).
/// </summary>
public sealed class CountedInstrument : IDisposable
{
    private readonly MeterListener listener = new();
    private long total;

    public CountedInstrument(string instrumentName)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == instrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref total, value));
        listener.Start();
    }

    public long Total => Interlocked.Read(ref total);

    public void Dispose() => listener.Dispose();
}
