namespace OneGate.Auth.Data;

/// <summary>
/// An event about a user (table <c>auth_outbox_messages</c>), written by the database's trigger on <c>users</c> in
/// the same transaction as the change it reports, and published to Kafka afterwards in <see cref="Id"/> order by
/// <see cref="Events.UserOutboxRelay"/>.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Identity; publish order.</summary>
    public long Id { get; set; }

    /// <summary>The event id (the payload's <c>eventId</c>).</summary>
    public Guid MessageId { get; set; }

    public required string Topic { get; set; }

    /// <summary>Kafka key, the user id: one user's events stay in one partition, in order.</summary>
    public required string MessageKey { get; set; }

    public required string EventType { get; set; }

    /// <summary>The event as JSON (<c>jsonb</c>).</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null until Kafka acknowledged the message.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Back-off: not retried before this time.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
}
