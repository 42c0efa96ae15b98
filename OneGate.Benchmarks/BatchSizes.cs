using System.Globalization;
using System.Text.RegularExpressions;

namespace OneGate.Benchmarks;

/// <summary>
/// The posting engine's batch-size histogram (<c>onegate.payment.posting.batch_size</c>) as Payment's Prometheus
/// endpoint shows it: cumulative bucket counts by upper bound, read before and after a row.
/// </summary>
public sealed partial record BatchSizes(SortedDictionary<double, long> Buckets)
{
    public static async Task<BatchSizes> ReadAsync(HttpClient payment)
    {
        var buckets = new SortedDictionary<double, long>();
        try
        {
            foreach (Match m in BucketLine().Matches(await payment.GetStringAsync(new Uri("/metrics", UriKind.Relative))))
            {
                var bound = m.Groups[1].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }
        catch (HttpRequestException)
        {
            // No /metrics on this stack (OneGate:Metrics:PrometheusEndpoint off): no batch sizes.
        }

        return new BatchSizes(buckets);
    }

    public static BatchSizes operator -(BatchSizes after, BatchSizes before) =>
        new(new SortedDictionary<double, long>(after.Buckets.ToDictionary(b => b.Key, b => b.Value - before.Buckets.GetValueOrDefault(b.Key))));

    public long Batches => Buckets.Count == 0 ? 0 : Buckets.Values.Max();

    /// <summary>The bucket bound the quantile falls under ("≤ 8"), or "-" without batches.</summary>
    public string Quantile(double q)
    {
        if (Batches == 0)
        {
            return "-";
        }

        var bound = Buckets.First(b => b.Value >= q * Batches).Key;
        return double.IsPositiveInfinity(bound) ? "> " + Buckets.Keys.Where(k => !double.IsPositiveInfinity(k)).Max().ToString(CultureInfo.InvariantCulture)
            : "≤ " + bound.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^onegate_payment_posting_batch_size\w*_bucket\{[^}]*le=""([^""]+)""[^}]*\} (\S+)", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
