namespace OneGate.Transaction.Data;

/// <summary>Inbox: an event id recorded in the same transaction as its effect, so a redelivery is skipped.</summary>
public sealed class ProcessedEvent
{
    public Guid EventId { get; set; }

    public required string Topic { get; set; }

    public int Partition { get; set; }

    public long Offset { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
