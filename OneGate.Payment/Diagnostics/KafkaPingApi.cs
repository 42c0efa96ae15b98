using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Payment.Diagnostics;

/// <summary>
/// Produces a <see cref="KafkaPing"/> with Payment's own producer, so a developer (or a test) can prove the
/// Kafka path to the Transaction service's consumer group. Mapped only when OneGate:Diagnostics:Enabled.
/// </summary>
public static class KafkaPingApi
{
    public static IEndpointRouteBuilder MapKafkaPingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/diagnostics/kafka-pings", SendPing)
            .WithName("SendKafkaPing")
            .WithSummary("Produce a diagnostics ping to Kafka")
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Accepted<KafkaPing>> SendPing(IProducer<string, string> producer, CancellationToken cancellationToken)
    {
        var ping = new KafkaPing(Guid.NewGuid(), "payment", DateTimeOffset.UtcNow, Activity.Current?.Id);
        await producer.ProduceTracedAsync(KafkaTopics.Diagnostics,
            new Message<string, string> { Key = ping.PingId.ToString(), Value = JsonSerializer.Serialize(ping, JsonSerializerOptions.Web) },
            cancellationToken);
        return TypedResults.Accepted($"/internal/diagnostics/kafka-pings/{ping.PingId}", ping);
    }
}
