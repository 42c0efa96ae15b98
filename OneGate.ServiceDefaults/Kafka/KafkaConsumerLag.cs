using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;

namespace OneGate.ServiceDefaults.Kafka;

/// <summary>
/// A consumer group's lag as its consumers see it, from librdkafka's statistics: for each partition a process is
/// assigned, the partition's high watermark minus the group's committed offset (kafka-exporter's definition, without
/// an exporter). Gauge <c>onegate.kafka.consumer.lag</c> {consumergroup, topic, partition}; a partition whose lag is
/// unknown (nothing committed yet, offsets not fetched) reports nothing, and a process reports only its own
/// partitions, so summing over replicas counts each partition once. librdkafka hands statistics over only while the
/// consumer polls: a reading older than three intervals (a handler stuck, the loop dead) is dropped, so the panel
/// shows a gap instead of the last, reassuring value.
/// </summary>
public static class KafkaConsumerLag
{
    /// <summary>How often librdkafka emits statistics (<c>statistics.interval.ms</c>) for a consumer that reports lag.</summary>
    public const int StatisticsIntervalMs = 5_000;

    private const long StaleAfterMs = 3 * StatisticsIntervalMs;

    private static readonly ConcurrentDictionary<string, (long At, IReadOnlyList<Measurement<long>> Lags)> Latest = new();

    private static readonly ObservableGauge<long> Gauge = KafkaTelemetry.Meter.CreateObservableGauge<long>("onegate.kafka.consumer.lag",
        () => Observe(Environment.TickCount64), description: "Messages of an assigned partition not yet committed by the consumer group");

    /// <summary>The consumer's configuration with statistics on, and its builder reporting them as the group's lag.</summary>
    public static ConsumerBuilder<string, string> Builder(ConsumerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.StatisticsIntervalMs = StatisticsIntervalMs;
        var group = config.GroupId;
        return new ConsumerBuilder<string, string>(config).SetStatisticsHandler((_, statistics) => Record(group, statistics, Environment.TickCount64));
    }

    /// <summary>Keeps the group's lag from one statistics document received at <paramref name="at"/> (milliseconds, a monotonic clock).</summary>
    public static void Record(string groupId, string statistics, long at) => Latest[groupId] = (at, Read(groupId, statistics));

    /// <summary>What the gauge reports at <paramref name="now"/>: every group's latest reading unless it is stale.</summary>
    public static IEnumerable<Measurement<long>> Observe(long now) =>
        Latest.Values.Where(reading => now - reading.At <= StaleAfterMs).SelectMany(reading => reading.Lags);

    /// <summary>The group reports nothing from this process (its consumer closed).</summary>
    public static void Forget(string groupId) => Latest.TryRemove(groupId, out _);

    /// <summary>The lag of each assigned partition in one librdkafka statistics document.</summary>
    public static IReadOnlyList<Measurement<long>> Read(string groupId, string statistics)
    {
        using var document = JsonDocument.Parse(statistics);
        var lags = new List<Measurement<long>>();
        if (!document.RootElement.TryGetProperty("topics", out var topics))
        {
            return lags;
        }

        foreach (var topic in topics.EnumerateObject())
        {
            foreach (var partition in topic.Value.GetProperty("partitions").EnumerateObject().Select(p => p.Value))
            {
                // Partition -1 is librdkafka's internal one; "desired" marks the partitions assigned to this consumer.
                var id = partition.GetProperty("partition").GetInt32();
                var lag = partition.GetProperty("consumer_lag").GetInt64();
                if (id >= 0 && partition.GetProperty("desired").GetBoolean() && lag >= 0)
                {
                    lags.Add(new Measurement<long>(lag,
                        new KeyValuePair<string, object?>("consumergroup", groupId),
                        new KeyValuePair<string, object?>("topic", topic.Name),
                        new KeyValuePair<string, object?>("partition", id.ToString(CultureInfo.InvariantCulture))));
                }
            }
        }

        return lags;
    }
}
