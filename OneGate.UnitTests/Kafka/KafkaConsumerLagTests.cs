using OneGate.ServiceDefaults.Kafka;

namespace OneGate.UnitTests.Kafka;

/// <summary>The consumer-lag gauge read from librdkafka's statistics.</summary>
public sealed class KafkaConsumerLagTests
{
    // The shape librdkafka emits (STATISTICS.md), cut to the fields read: an assigned partition with a lag, an assigned
    // one with nothing committed (-1), one not assigned to this consumer, and librdkafka's internal partition -1.
    private const string Statistics = """
        {"name": "rdkafka#consumer-1", "type": "consumer", "topics": {
          "onegate.transactions.v1": {"topic": "onegate.transactions.v1", "partitions": {
            "0": {"partition": 0, "desired": true, "fetch_state": "active", "hi_offset": 120, "committed_offset": 100, "consumer_lag": 20},
            "1": {"partition": 1, "desired": true, "fetch_state": "active", "hi_offset": 5, "committed_offset": -1001, "consumer_lag": -1},
            "2": {"partition": 2, "desired": false, "fetch_state": "none", "hi_offset": 9, "committed_offset": 3, "consumer_lag": 6},
            "-1": {"partition": -1, "desired": false, "fetch_state": "none", "hi_offset": -1001, "committed_offset": -1001, "consumer_lag": -1}}},
          "onegate.users.v1": {"topic": "onegate.users.v1", "partitions": {
            "3": {"partition": 3, "desired": true, "fetch_state": "active", "hi_offset": 7, "committed_offset": 7, "consumer_lag": 0}}}}}
        """;

    [Fact]
    public void Each_assigned_partition_with_a_committed_offset_reports_its_lag_and_no_other_does()
    {
        var lags = KafkaConsumerLag.Read("onegate-transaction", Statistics)
            .Select(m => (Tags: string.Join(',', m.Tags.ToArray().Select(t => $"{t.Key}={t.Value}")), m.Value))
            .ToList();

        Assert.Equal(
            [
                ("consumergroup=onegate-transaction,topic=onegate.transactions.v1,partition=0", 20L),
                ("consumergroup=onegate-transaction,topic=onegate.users.v1,partition=3", 0L),
            ],
            lags);
    }

    [Fact]
    public void Statistics_without_topics_report_nothing() =>
        Assert.Empty(KafkaConsumerLag.Read("onegate-transaction", """{"name": "rdkafka#consumer-1", "type": "consumer"}"""));

    [Fact]
    public void A_reading_older_than_three_statistics_intervals_is_not_reported()
    {
        var group = "lag-test-" + Guid.NewGuid().ToString("N");
        KafkaConsumerLag.Record(group, Statistics, at: 1_000);
        int Reported(long now) => KafkaConsumerLag.Observe(now).Count(m => m.Tags.ToArray().Any(t => t.Key == "consumergroup" && (string?)t.Value == group));

        Assert.Equal(2, Reported(1_000 + (3 * KafkaConsumerLag.StatisticsIntervalMs)));
        Assert.Equal(0, Reported(1_000 + (3 * KafkaConsumerLag.StatisticsIntervalMs) + 1));
        KafkaConsumerLag.Forget(group);
    }
}
