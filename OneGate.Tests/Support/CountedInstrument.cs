using System.Diagnostics.Metrics;

namespace OneGate.Tests.Support;

/// <summary>
/// What one in-process instrument records while this is alive: a counter's sum, or a histogram's largest value;
/// optionally only the measurements carrying one tag value. For code the test runs in its own process, e.g. a
/// <c>PostingReplica</c> (the app's processes report through <see cref="OtlpMetricsReceiver"/>).
/// </summary>
public sealed class CountedInstrument : IDisposable
{
    private readonly MeterListener listener = new();
    private long total;
    private double largest;
    private readonly Lock gate = new();

    public CountedInstrument(string instrumentName, KeyValuePair<string, object?>? tag = null)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == instrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (Carries(tags, tag))
            {
                Interlocked.Add(ref total, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (!Carries(tags, tag))
            {
                return;
            }

            lock (gate)
            {
                largest = Math.Max(largest, value);
            }
        });
        listener.Start();
    }

    public long Total => Interlocked.Read(ref total);

    public double Largest
    {
        get
        {
            lock (gate)
            {
                return largest;
            }
        }
    }

    public void Dispose() => listener.Dispose();

    private static bool Carries(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, object?>? wanted)
    {
        if (wanted is not { } tag)
        {
            return true;
        }

        foreach (var carried in tags)
        {
            if (carried.Key == tag.Key && Equals(carried.Value, tag.Value))
            {
                return true;
            }
        }

        return false;
    }
}
