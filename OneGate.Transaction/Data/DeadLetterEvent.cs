namespace OneGate.Transaction.Data;

/// <summary>A message that could not be applied, kept with its error so the partition moves on.</summary>
public sealed class DeadLetterEvent
{
    public long Id { get; set; }

    public required string Topic { get; set; }

    public int Partition { get; set; }

    public long Offset { get; set; }

    public string? MessageKey { get; set; }

    public string? Payload { get; set; }

    public required string Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
