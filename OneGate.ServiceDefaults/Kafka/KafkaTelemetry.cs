using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace OneGate.ServiceDefaults.Kafka;

/// <summary>
/// Tracing across produce and consume: the producer writes W3C trace context into the message headers and
/// the consumer continues the trace from them, so one trace shows a request and every effect of its events.
/// </summary>
public static class KafkaTelemetry
{
    public const string ActivitySourceName = "OneGate.Kafka";
    public const string MeterName = "OneGate.Kafka";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    internal static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Produced = Meter.CreateCounter<long>("onegate.kafka.produced", description: "Messages acknowledged by Kafka");
    private static readonly Counter<long> Consumed = Meter.CreateCounter<long>("onegate.kafka.consumed", description: "Messages handed to a handler");
    private static readonly TextMapPropagator Propagator = Propagators.DefaultTextMapPropagator;

    /// <summary>Produces with a PRODUCER span and the trace context in the message headers.</summary>
    public static Task<DeliveryResult<string, string>> ProduceTracedAsync(
        this IProducer<string, string> producer, string topic, Message<string, string> message, CancellationToken cancellationToken = default) =>
        producer.ProduceTracedAsync(new TopicPartition(topic, Partition.Any), message, cancellationToken);

    /// <summary>Produces to one partition (or <see cref="Partition.Any"/>) with a PRODUCER span and the trace context in the headers.</summary>
    public static async Task<DeliveryResult<string, string>> ProduceTracedAsync(
        this IProducer<string, string> producer, TopicPartition target, Message<string, string> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var topic = target.Topic;
        using var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.kafka.message.key", message.Key);

        message.Headers ??= [];
        var context = activity?.Context ?? Activity.Current?.Context ?? default;
        Propagator.Inject(new PropagationContext(context, Baggage.Current), message.Headers,
            static (headers, key, value) => { headers.Remove(key); headers.Add(key, Encoding.UTF8.GetBytes(value)); });

        try
        {
            var result = await producer.ProduceAsync(target, message, cancellationToken);
            activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
            Produced.Add(1, new KeyValuePair<string, object?>("topic", topic));
            return result;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>Starts a CONSUMER span that continues the producer's trace (dispose it when handled).</summary>
    public static Activity? StartConsumeActivity(ConsumeResult<string, string> result, string groupId) => StartConsumeActivity([result], groupId);

    /// <summary>
    /// Starts one CONSUMER span for messages handled together: it continues the first message's trace (at low
    /// rates a batch is one message, so a request's trace shows its effect) and links the others' producers.
    /// </summary>
    public static Activity? StartConsumeActivity(IReadOnlyList<ConsumeResult<string, string>> batch, string groupId)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var first = batch[0];
        var parent = Extract(first.Message.Headers);
        Baggage.Current = parent.Baggage;

        var links = batch.Skip(1).Select(r => Extract(r.Message.Headers).ActivityContext).Where(c => c != default).Select(c => new ActivityLink(c));
        var activity = Source.StartActivity(ActivityKind.Consumer, parent.ActivityContext, links: links, name: $"{first.Topic} process");
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", first.Topic);
        activity?.SetTag("messaging.consumer.group.name", groupId);
        if (batch.Count == 1)
        {
            activity?.SetTag("messaging.destination.partition.id", first.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", first.Offset.Value);
        }
        else
        {
            activity?.SetTag("messaging.batch.message_count", batch.Count);
        }

        Consumed.Add(batch.Count, new KeyValuePair<string, object?>("topic", first.Topic));
        return activity;
    }

    private static PropagationContext Extract(Headers? headers) =>
        Propagator.Extract(default, headers, static (h, key) => h is not null && h.TryGetLastBytes(key, out var bytes) ? [Encoding.UTF8.GetString(bytes)] : []);

    /// <summary>The W3C traceparent a message carries, if any.</summary>
    public static string? TraceParent(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes("traceparent", out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
