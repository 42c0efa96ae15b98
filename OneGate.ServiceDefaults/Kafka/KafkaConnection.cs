using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OneGate.ServiceDefaults.Kafka;

/// <summary>
/// The one place that knows how OneGate talks to Kafka: where the brokers are and the client settings
/// every producer and consumer of ours uses, and where their librdkafka logs go (<see cref="KafkaClientLog"/>).
/// </summary>
public sealed class KafkaConnection(string bootstrapServers, string clientId, ILoggerFactory? loggers = null, IHostApplicationLifetime? lifetime = null)
{
    public string BootstrapServers { get; } = bootstrapServers;

    public ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = clientId,
        // No duplicates or reordering from producer retries; the write counts only when every in-sync replica has it.
        EnableIdempotence = true,
        Acks = Acks.All,
        // The outbox relay produces an account's next event only after the previous one is acknowledged, so
        // lingering for a batch adds its delay to each such step: 5 ms capped a sequential relay at ~170 events/s.
        LingerMs = 0,
        MessageTimeoutMs = 30_000,
    };

    public ConsumerConfig ConsumerConfig(string groupId) => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = clientId,
        GroupId = groupId,
        // At-least-once: a handler stores a message's offset only after its effect is durable, and stored
        // offsets are committed in the background (and on close). Handlers deduplicate by event id, so a
        // redelivery after a crash is harmless — and no message waits for a commit round trip to the broker.
        EnableAutoCommit = true,
        EnableAutoOffsetStore = false,
        AutoCommitIntervalMs = 1_000,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        // 6 s is the broker's default minimum; it keeps rebalances after a crash short.
        SessionTimeoutMs = 6_000,
        HeartbeatIntervalMs = 2_000,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
    };

    public AdminClientConfig AdminConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = clientId,
    };

    /// <summary>librdkafka's log and errors for a client of ours, under the category given.</summary>
    public KafkaClientLog ClientLog(string category) =>
        ClientLog((loggers ?? NullLoggerFactory.Instance).CreateLogger(category));

    /// <summary>librdkafka's log and errors for a client of ours, through the logger given.</summary>
    public KafkaClientLog ClientLog(ILogger logger) => new(logger, lifetime);

    public IConsumer<string, string> CreateConsumer(string groupId)
    {
        var log = ClientLog("OneGate.Kafka.Consumer");
        return new ConsumerBuilder<string, string>(ConsumerConfig(groupId)).SetLogHandler(log.OnLog).SetErrorHandler(log.OnError).Build();
    }

    public IAdminClient CreateAdminClient()
    {
        var log = ClientLog("OneGate.Kafka.Admin");
        return new AdminClientBuilder(AdminConfig()).SetLogHandler(log.OnLog).SetErrorHandler(log.OnError).Build();
    }
}
