using System.Text.Json;
using Confluent.Kafka;

namespace OneGate.Tests.Support;

/// <summary>Reads Payment's events from <c>onegate.transactions.v1</c> as a separate consumer group.</summary>
public static class KafkaEvents
{
    public const string Topic = "onegate.transactions.v1";

    /// <summary>A consumer of the topic (Payment's unless told) in a group of its own, reading from the beginning.</summary>
    public static async Task<IConsumer<string, string>> NewConsumerAsync(OneGateAppFixture fixture, string topic = Topic)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka"),
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        return consumer;
    }

    /// <summary>The event Payment published for a transaction: its key, value and event id.</summary>
    public static async Task<(string Key, string Value, Guid EventId)> FindAsync(OneGateAppFixture fixture, string transactionId)
    {
        using var consumer = await NewConsumerAsync(fixture);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        try
        {
            while (DateTimeOffset.UtcNow < deadline)
            {
                var message = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (message?.Message.Value is { } value && value.Contains(transactionId, StringComparison.Ordinal))
                {
                    using var json = JsonDocument.Parse(value);
                    return (message.Message.Key, value, json.RootElement.GetProperty("eventId").GetGuid());
                }
            }
        }
        finally
        {
            consumer.Close();
        }

        throw new Xunit.Sdk.XunitException($"no event for {transactionId} on the topic");
    }

    /// <summary>Produces a message again (a redelivery, as after a consumer crash).</summary>
    public static async Task RedeliverAsync(OneGateAppFixture fixture, string key, string value)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka") }).Build();
        await producer.ProduceAsync(Topic, new Message<string, string> { Key = key, Value = value });
    }
}
