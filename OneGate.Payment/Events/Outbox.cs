using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Payment.Events;

/// <summary>
/// The event row for <c>outbox_messages</c>, written by the ledger in the same transaction as the change it
/// reports: it leaves only if the change commits.
/// </summary>
public static class Outbox
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false), new Microsoft.Extensions.Hosting.UtcTimestampConverter() },
    };

    public static OutboxMessage Event(HistoricalTransaction row, string eventType)
    {
        var now = DateTimeOffset.UtcNow;
        var @event = new TransactionEvent(Guid.NewGuid(), eventType, 1, now, TransactionEventData.From(row));
        return new OutboxMessage
        {
            MessageId = @event.EventId,
            Topic = KafkaTopics.Transactions,
            MessageKey = row.AccountId.ToString(),
            EventType = eventType,
            Payload = JsonSerializer.Serialize(@event, Json),
            // The request's trace continues when the relay publishes, whenever that is.
            Headers = Activity.Current is { } activity ? JsonSerializer.Serialize(new Dictionary<string, string> { ["traceparent"] = activity.Id! }) : null,
            CreatedAt = now,
        };
    }
}
