namespace OneGate.ServiceDefaults.Outbox;

/// <summary>
/// An event written in the same database transaction as the change it reports and published to Kafka afterwards,
/// in <see cref="Id"/> order, by the owning service's relay. Each service maps it to its own table
/// (<see cref="OutboxMessageTable"/>).
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Identity; publish order.</summary>
    public long Id { get; set; }

    /// <summary>The event id consumers deduplicate on (the payload's <c>eventId</c>).</summary>
    public Guid MessageId { get; set; }

    public required string Topic { get; set; }

    /// <summary>Kafka key: one key's events stay in one partition, in order.</summary>
    public required string MessageKey { get; set; }

    public required string EventType { get; set; }

    /// <summary>The event as JSON (<c>jsonb</c>).</summary>
    public required string Payload { get; set; }

    /// <summary>Kafka headers as a JSON object (<c>jsonb</c>), e.g. <c>traceparent</c>; only where the table has them.</summary>
    public string? Headers { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null until Kafka acknowledged the message.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Back-off: not retried before this time.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
}
