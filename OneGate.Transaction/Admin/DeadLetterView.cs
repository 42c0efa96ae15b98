using OneGate.Transaction.Data;
using OneGate.Transaction.Events;

namespace OneGate.Transaction.Admin;

/// <summary>A dead letter as operators see it; <c>redacted</c>: a user event whose personal data was removed (a replay drops it).</summary>
public sealed record DeadLetterView(long Id, string Topic, int Partition, long Offset, string? MessageKey, string? Payload, string Error,
    DateTimeOffset CreatedAt, bool Redacted)
{
    public static DeadLetterView From(DeadLetterEvent d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new DeadLetterView(d.Id, d.Topic, d.Partition, d.Offset, d.MessageKey, d.Payload, d.Error, d.CreatedAt,
            d.Payload is { } p && RedactedUserEvent.IsRedacted(p));
    }
}
