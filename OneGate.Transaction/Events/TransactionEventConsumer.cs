using Confluent.Kafka;
using OneGate.ServiceDefaults.Caching;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Data;
using StackExchange.Redis;

namespace OneGate.Transaction.Events;

/// <summary>
/// The Transaction service's consumer group on <c>onegate.transactions.v1</c>. Offsets are committed only
/// after an event's effect (and its inbox row) committed, so a crash or rebalance redelivers and the inbox
/// skips. A message that is not a valid event goes to <c>dead_letter_events</c> with its error and the
/// partition moves on; a failing database is retried (the message is re-read), and after repeated failures
/// of one message it is dead-lettered too, so no message blocks its partition for good. Each event also
/// invalidates its user's history cache.
/// </summary>
public sealed class TransactionEventConsumer(KafkaConnection kafka, IServiceScopeFactory scopes, IConnectionMultiplexer redis, ILogger<TransactionEventConsumer> logger)
    : BackgroundService
{
    public const string GroupId = "onegate-transaction";
    private const int MaxAttempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // Consume() blocks: keep it off the start-up path
        using var consumer = kafka.CreateConsumer(GroupId);
        consumer.Subscribe(KafkaTopics.Transactions);
        var attempts = 0;
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
                    logger.LogWarning("Consume failed: {Reason}", ex.Error.Reason);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                using var activity = KafkaTelemetry.StartConsumeActivity(result, GroupId);
                try
                {
                    await HandleAsync(result, stoppingToken);
                    attempts = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ++attempts < MaxAttempts)
                {
                    logger.LogWarning("Event at {Partition}@{Offset} failed (attempt {Attempt}): {Reason}", result.Partition.Value, result.Offset.Value, attempts, ex.Message);
                    consumer.Seek(result.TopicPartitionOffset); // read it again after a pause
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempts), stoppingToken);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    try
                    {
                        await DeadLetterAsync(result, ex.Message, stoppingToken);
                        attempts = 0;
                    }
                    catch (Exception deadLetterFailure) when (deadLetterFailure is not OperationCanceledException)
                    {
                        // The database itself is down: keep the message and try again later.
                        logger.LogWarning("Dead-lettering failed, retrying later: {Reason}", deadLetterFailure.Message);
                        consumer.Seek(result.TopicPartitionOffset);
                        await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                        continue;
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
            consumer.Close(); // leave the group at once so partitions move to other replicas
        }
    }

    private async Task HandleAsync(ConsumeResult<string, string> result, CancellationToken ct)
    {
        TransactionEvent @event;
        try
        {
            @event = TransactionEvent.Parse(result.Message.Value ?? "");
        }
        catch (FormatException ex)
        {
            await DeadLetterAsync(result, ex.Message, ct);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var projection = scope.ServiceProvider.GetRequiredService<ReportProjection>();
        if (!await projection.ApplyAsync(@event, result.Topic, result.Partition.Value, result.Offset.Value, ct))
        {
            logger.LogDebug("Event {EventId} already applied; skipped", @event.EventId);
        }

        // The user's cached history and summary are stale from now on (Payment bumped too, right after its commit;
        // this covers a bump that did not reach Redis). Best effort: entries also expire by their TTL.
        if (@event.Transaction.UserId > 0)
        {
            await HistoryGeneration.BumpAsync(redis, [@event.Transaction.UserId], logger);
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<string, string> result, string error, CancellationToken ct)
    {
        logger.LogError("Dead-lettering message at {Topic} {Partition}@{Offset}: {Error}", result.Topic, result.Partition.Value, result.Offset.Value, error);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
        db.DeadLetterEvents.Add(new DeadLetterEvent
        {
            Topic = result.Topic,
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            MessageKey = result.Message.Key is { Length: > 200 } key ? key[..200] : result.Message.Key,
            Payload = result.Message.Value,
            Error = error.Length > 2000 ? error[..2000] : error,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(ct);
    }
}
