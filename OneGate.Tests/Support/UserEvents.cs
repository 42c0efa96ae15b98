using System.Text.Json;
using Confluent.Kafka;

namespace OneGate.Tests.Support;

/// <summary>Auth's <c>onegate.users.v1</c>: reading what Auth published, and producing events as Auth (or a replay) would.</summary>
public static class UserEvents
{
    public const string Topic = "onegate.users.v1";

    /// <summary>An event of schema version 1 for a user's state at <paramref name="version"/>.</summary>
    public static string Event(Guid eventId, int userId, string username, string phone, int version, string status = "ACTIVE") =>
        JsonSerializer.Serialize(new
        {
            eventId, eventType = "user.updated", version = 1, occurredAt = DateTimeOffset.UtcNow,
            user = new { userId, username, phone, status, version },
        });

    /// <summary>Produces messages keyed by user id, in order, each acknowledged before the next.</summary>
    public static async Task ProduceAsync(OneGateAppFixture fixture, int userId, params string[] values)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka"), EnableIdempotence = true, Acks = Acks.All,
        }).Build();
        foreach (var value in values)
        {
            await producer.ProduceAsync(Topic, new Message<string, string> { Key = userId.ToString(System.Globalization.CultureInfo.InvariantCulture), Value = value });
        }
    }

    /// <summary>Every message of a user on the topic (read from the start by a group of its own) until <paramref name="done"/> says enough.</summary>
    public static async Task<List<ConsumeResult<string, string>>> ReadAsync(
        OneGateAppFixture fixture, int userId, Func<List<ConsumeResult<string, string>>, bool> done, TimeSpan within)
    {
        using var consumer = await KafkaEvents.NewConsumerAsync(fixture, Topic);
        var key = userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var seen = new List<ConsumeResult<string, string>>();
        var deadline = DateTimeOffset.UtcNow + within;
        try
        {
            while (!done(seen) && DateTimeOffset.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(250)) is { } message && message.Message.Key == key)
                {
                    seen.Add(message);
                }
            }
        }
        finally
        {
            consumer.Close();
        }

        return seen;
    }
}
