using System.Text.Json;
using Confluent.Kafka;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Transaction.Diagnostics;

/// <summary>Consumes diagnostics pings in the Transaction service's consumer group and remembers them.</summary>
public sealed class KafkaPingConsumer(KafkaConnection kafka, ReceivedPings received, ILogger<KafkaPingConsumer> logger) : BackgroundService
{
    public const string GroupId = "onegate-transaction-diagnostics";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Consume() blocks; keep it off the start-up path.
        await Task.Yield();
        using var consumer = kafka.CreateConsumer(GroupId);
        consumer.Subscribe(KafkaTopics.Diagnostics);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string, string> result;
                try
                {
                    result = consumer.Consume(stoppingToken);
                }
                catch (ConsumeException ex)
                {
                    logger.LogWarning("Diagnostics consume failed: {Reason}", ex.Error.Reason);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                using (KafkaTelemetry.StartConsumeActivity(result, GroupId))
                {
                    var ping = JsonSerializer.Deserialize<KafkaPing>(result.Message.Value, JsonSerializerOptions.Web);
                    if (ping is not null)
                    {
                        received.Add(new ReceivedPing(ping, GroupId, result.Partition.Value, result.Offset.Value,
                            KafkaTelemetry.TraceParent(result.Message.Headers), DateTimeOffset.UtcNow));
                        logger.LogInformation("Kafka ping {PingId} from {SentBy} received", ping.PingId, ping.SentBy);
                    }
                }

                consumer.StoreOffset(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Leave the group cleanly so partitions move to other replicas at once, not after the session timeout.
            consumer.Close();
        }
    }
}
