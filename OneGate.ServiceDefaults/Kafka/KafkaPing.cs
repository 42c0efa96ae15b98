namespace OneGate.ServiceDefaults.Kafka;

/// <summary>
/// A plumbing check sent on <see cref="KafkaTopics.Diagnostics"/>: one service produces it, another's
/// consumer group records it, proving brokers, topics, groups and trace propagation end to end.
/// </summary>
public sealed record KafkaPing(Guid PingId, string SentBy, DateTimeOffset SentAt, string? TraceParent);
