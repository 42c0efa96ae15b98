using System.Globalization;
using System.Text.RegularExpressions;

namespace OneGate.Benchmarks;

/// <summary>
/// One of the posting engine's histograms as Payment's Prometheus endpoint shows it: cumulative bucket counts by
/// upper bound, read before and after a row (batch sizes, batch durations, queue waits).
/// </summary>
public sealed record EngineHistogram(SortedDictionary<double, long> Buckets, double Scale, string Unit)
{
    public static Task<EngineHistogram> BatchSizesAsync(HttpClient payment) => ReadAsync(payment, "onegate_payment_posting_batch_size", 1, "");

    public static Task<EngineHistogram> BatchDurationsAsync(HttpClient payment) => ReadAsync(payment, "onegate_payment_posting_batch_duration", 1000, " ms");

    public static Task<EngineHistogram> QueueWaitsAsync(HttpClient payment) => ReadAsync(payment, "onegate_payment_posting_queue_wait", 1000, " ms");

    private static async Task<EngineHistogram> ReadAsync(HttpClient payment, string metric, double scale, string unit)
    {
        var buckets = new SortedDictionary<double, long>();
        try
        {
            var line = new Regex($@"^{metric}\w*_bucket\{{[^}}]*le=""([^""]+)""[^}}]*\}} (\S+)", RegexOptions.Multiline);
            foreach (Match m in line.Matches(await payment.GetStringAsync(new Uri("/metrics", UriKind.Relative))))
            {
                var bound = m.Groups[1].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }
        catch (HttpRequestException)
        {
            // No /metrics on this stack (OneGate:Metrics:PrometheusEndpoint off): nothing to show.
        }

        return new EngineHistogram(buckets, scale, unit);
    }

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

    private string Format(double bound) => (bound * Scale).ToString(CultureInfo.InvariantCulture) + Unit;
}
