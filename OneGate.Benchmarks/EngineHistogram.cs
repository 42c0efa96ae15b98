using System.Globalization;
using System.Text.RegularExpressions;

namespace OneGate.Benchmarks;

/// <summary>
/// One of the posting engine's histograms as Payment's Prometheus endpoint shows it: cumulative bucket counts by
/// upper bound, read before and after a row (batch sizes, batch durations, queue waits).
/// </summary>
public sealed partial record EngineHistogram(SortedDictionary<double, long> Buckets, double Scale, string Unit)
{
    /// <param name="text">A scrape of the endpoint (<see cref="ReplicaMetrics"/>).</param>
    /// <param name="scale">Multiplies a bucket bound for display (1000: seconds shown in ms).</param>
    /// <param name="label">Only the series with this label (<c>step="lock"</c>); null: all series summed.</param>
    public static EngineHistogram Parse(string text, string metric, double scale, string unit, string? label = null)
    {
        var buckets = new SortedDictionary<double, long>();
        var line = new Regex($@"^{metric}\w*_bucket\{{([^}}]*)\}} (\S+)", RegexOptions.Multiline);
        var wanted = label is null ? null : new Regex($@"(?:^|,){Regex.Escape(label)}(?:,|$)");
        foreach (Match m in line.Matches(text))
        {
            var labels = m.Groups[1].Value;
            if (wanted?.IsMatch(labels) == false || LeBound().Match(labels) is not { Success: true } le)
            {
                continue;
            }

            var bound = le.Groups[1].Value == "+Inf" ? double.PositiveInfinity : double.Parse(le.Groups[1].Value, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return new EngineHistogram(buckets, scale, unit);
    }

    [GeneratedRegex(@"(?:^|,)le=""([^""]+)""")]
    private static partial Regex LeBound();

    public static EngineHistogram operator -(EngineHistogram after, EngineHistogram before) =>
        after with { Buckets = new SortedDictionary<double, long>(after.Buckets.ToDictionary(b => b.Key, b => b.Value - before.Buckets.GetValueOrDefault(b.Key))) };

    public long Count => Buckets.Count == 0 ? 0 : Buckets.Values.Max();

    /// <summary>The bucket bound the quantile falls under ("≤ 8", "≤ 16 ms"), or "-" when nothing was recorded.</summary>
    public string Quantile(double q)
    {
        if (Count == 0)
        {
            return "-";
        }

        var bound = Buckets.First(b => b.Value >= q * Count).Key;
        return double.IsPositiveInfinity(bound)
            ? "> " + Format(Buckets.Keys.Where(k => !double.IsPositiveInfinity(k)).Max())
            : "≤ " + Format(bound);
    }

    /// <summary>
    /// The quantile in display units, interpolated linearly within its bucket (as Prometheus' histogram_quantile does),
    /// or NaN when nothing was recorded or it falls in the last, unbounded bucket.
    /// </summary>
    public double Interpolated(double q)
    {
        var lower = 0d;
        var below = 0L;
        foreach (var (bound, count) in Buckets)
        {
            if (count >= q * Count && Count > 0)
            {
                return double.IsPositiveInfinity(bound) ? double.NaN
                    : (lower + (bound - lower) * (q * Count - below) / Math.Max(1, count - below)) * Scale;
            }

            (lower, below) = (bound, count);
        }

        return double.NaN;
    }

    private string Format(double bound) => (bound * Scale).ToString(CultureInfo.InvariantCulture) + Unit;
}
