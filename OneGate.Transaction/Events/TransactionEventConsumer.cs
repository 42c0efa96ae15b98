using Confluent.Kafka;
using OneGate.ServiceDefaults;
using OneGate.ServiceDefaults.Caching;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Data;
using StackExchange.Redis;

namespace OneGate.Transaction.Events;

/// <summary>
/// The Transaction service's consumer group on <c>onegate.transactions.v1</c> (Payment's movements, into the
/// regulators' totals) and <c>onegate.users.v1</c> (Auth's users, into <c>masked_users</c> through
/// <see cref="UserProjection"/>): one group, so both streams share the rules below. It takes what has arrived (one
/// message at low rates, up to <see cref="MaxBatch"/> under load) and applies it in one database transaction.
/// Offsets are stored only after that committed, so a crash or rebalance redelivers and the inbox skips. A
/// message that is not a valid event goes to <c>dead_letter_events</c> with its error, in the same transaction,
/// and the partition moves on. A transient failure (the database unreachable, a session lost, a timeout, a
/// serialization failure: <see cref="TransientFailure"/>) is retried with backoff for as long as it lasts, the
/// offset staying before the batch, and never dead-letters anything. A batch that fails otherwise, repeatedly,
/// is applied again one message at a time, so the message the database refuses is found and dead-lettered
/// alone, and no such message blocks its partition for good. Dead letters are replayed by
/// <c>dead-letters replay</c> (<see cref="DeadLettersCommand"/>). Each event also invalidates its user's
/// history cache. When the client finds itself talking to a different cluster (the Local broker restarted with
/// an empty log), every position and offset it holds belongs to the forgotten log: it reads the new log again
/// from its beginning (<see cref="StartOverOnNewCluster"/>).
/// </summary>
public sealed class TransactionEventConsumer(KafkaConnection kafka, IServiceScopeFactory scopes, IConnectionMultiplexer redis, ILogger<TransactionEventConsumer> logger)
    : BackgroundService
{
    public const string GroupId = "onegate-transaction";
    private const int MaxAttempts = 5;

    /// <summary>Enough to spread a transaction's round trips and commit over many events; few enough to hold the hot totals rows briefly.</summary>
    private const int MaxBatch = 500;

    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxOutageBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Set (from librdkafka's thread) when a broker reports another cluster id than the one known.</summary>
    private int clusterChanged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // Consume() blocks: keep it off the start-up path
        var log = kafka.ClientLog(logger);
        // Its lag per partition is a metric of its own (the dashboards' consumer-lag panel).
        using var consumer = KafkaConsumerLag.Builder(kafka.ConsumerConfig(GroupId))
            .SetLogHandler((client, m) =>
            {
                // librdkafka's only signal that the cluster changed under the same address; it logs it once per change.
                if (m.Facility == "CLUSTERID")
                {
                    Interlocked.Exchange(ref clusterChanged, 1);
                }

                log.OnLog(client, m);
            })
            .SetErrorHandler(log.OnError)
            .Build();
        consumer.Subscribe([KafkaTopics.Transactions, KafkaTopics.Users]);
        var attempts = 0;
        var outage = TimeSpan.Zero; // the backoff while the database is unavailable
        // After a batch failed MaxAttempts times, each of its partitions is read one message at a time up to the
        // batch's last offset there, so the message that keeps failing is tried (and dead-lettered) on its own.
        var oneAtATime = new Dictionary<TopicPartition, long>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ConsumeBatch(consumer, oneAtATime.Count > 0 ? 1 : MaxBatch, stoppingToken);
                if (batch.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                if (Interlocked.Exchange(ref clusterChanged, 0) == 1)
                {
                    // This batch may start anywhere in the new log: drop it and read the new log from its beginning.
                    StartOverOnNewCluster(consumer);
                    oneAtATime.Clear();
                    attempts = 0;
                    continue;
                }

                using var activity = KafkaTelemetry.StartConsumeActivity(batch, GroupId);
                try
                {
                    await ApplyAsync(batch, stoppingToken);
                    attempts = 0;
                    outage = TimeSpan.Zero;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && TransientFailure.Is(ex))
                {
                    // Nothing wrong with the events: wait for the database, for as long as it takes. A large batch that
                    // keeps timing out may be too much for one transaction: smaller ones, never a dead letter.
                    outage = Backoff.Next(outage, TimeSpan.FromMilliseconds(200), MaxOutageBackoff);
                    if (batch.Count > 1 && outage == MaxOutageBackoff)
                    {
                        ReadOneAtATime(batch, oneAtATime);
                    }

                    logger.LogWarning("{Count} events from {Partition}@{Offset} wait for the database, retry in {Delay} ms: {Reason}",
                        batch.Count, batch[0].Partition.Value, batch[0].Offset.Value, (int)outage.TotalMilliseconds, ex.Message);
                    Rewind(consumer, batch);
                    await Task.Delay(outage, stoppingToken);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ++attempts < MaxAttempts)
                {
                    logger.LogWarning("{Count} events from {Partition}@{Offset} failed (attempt {Attempt}): {Reason}",
                        batch.Count, batch[0].Partition.Value, batch[0].Offset.Value, attempts, ex.Message);
                    Rewind(consumer, batch); // read them again after a pause
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempts), stoppingToken);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && batch.Count > 1)
                {
                    logger.LogWarning("{Count} events from {Partition}@{Offset} failed {Attempts} times; applying them one at a time: {Reason}",
                        batch.Count, batch[0].Partition.Value, batch[0].Offset.Value, attempts, ex.Message);
                    ReadOneAtATime(batch, oneAtATime);
                    attempts = 0;
                    Rewind(consumer, batch);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    try
                    {
                        await DeadLetterAsync(batch[0], ex.Message, stoppingToken);
                        attempts = 0;
                    }
                    catch (Exception deadLetterFailure) when (deadLetterFailure is not OperationCanceledException)
                    {
                        // The database itself is down: keep the message and try again later.
                        logger.LogWarning("Dead-lettering failed, retrying later: {Reason}", deadLetterFailure.Message);
                        Rewind(consumer, batch);
                        await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                        continue;
                    }
                }

                if (Volatile.Read(ref clusterChanged) == 1)
                {
                    // Applied (the inbox keeps it exactly once), but its offsets are the forgotten log's: storing them
                    // would let auto-commit write them into the new cluster. The next turn starts over.
                    continue;
                }

                StoreOffsets(consumer, batch);
                if (oneAtATime.Count > 0)
                {
                    foreach (var result in batch.Where(r => oneAtATime.GetValueOrDefault(r.TopicPartition, long.MaxValue) <= r.Offset.Value))
                    {
                        oneAtATime.Remove(result.TopicPartition);
                    }

                    // A partition that moved to another replica is that one's to read.
                    foreach (var gone in oneAtATime.Keys.Except(consumer.Assignment).ToList())
                    {
                        oneAtATime.Remove(gone);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close(); // leave the group at once so partitions move to other replicas
            KafkaConsumerLag.Forget(GroupId);
        }
    }

    /// <summary>
    /// Waits for one message, then takes what has already been fetched, up to <paramref name="max"/>: one event
    /// is applied at once, a backlog in large batches. Empty when consuming failed.
    /// </summary>
    private List<ConsumeResult<string, string>> ConsumeBatch(IConsumer<string, string> consumer, int max, CancellationToken ct)
    {
        var batch = new List<ConsumeResult<string, string>>();
        try
        {
            batch.Add(consumer.Consume(ct));
            while (batch.Count < max && consumer.Consume(TimeSpan.Zero) is { } next)
            {
                batch.Add(next);
            }
        }
        catch (ConsumeException ex)
        {
            logger.LogWarning("Consume failed: {Reason}", ex.Error.Reason);
        }

        return batch;
    }

    private async Task ApplyAsync(List<ConsumeResult<string, string>> batch, CancellationToken ct)
    {
        var events = new List<(TransactionEvent Event, TopicPartitionOffset Position)>(batch.Count);
        var users = new List<(UserEvent Event, TopicPartitionOffset Position)>();
        var poison = new List<(ConsumeResult<string, string> Result, string Error)>();
        foreach (var result in batch)
        {
            try
            {
                if (result.Topic == KafkaTopics.Users)
                {
                    users.Add((UserEvent.Parse(result.Message.Value ?? ""), result.TopicPartitionOffset));
                }
                else
                {
                    events.Add((TransactionEvent.Parse(result.Message.Value ?? ""), result.TopicPartitionOffset));
                }
            }
            catch (FormatException ex)
            {
                poison.Add((result, ex.Message));
            }
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (poison.Count > 0)
            {
                // In the batch's transaction: set aside exactly once, however often the batch is retried.
                db.DeadLetterEvents.AddRange(poison.Select(p => DeadLetter(p.Result, p.Error)));
                await db.SaveChangesAsync(ct);
            }

            var applied = await scope.ServiceProvider.GetRequiredService<ReportProjection>().ApplyAsync(events, ct);
            await scope.ServiceProvider.GetRequiredService<UserProjection>().ApplyAsync(users, ct);
            await transaction.CommitAsync(ct);
            if (applied < events.Count)
            {
                logger.LogDebug("{Skipped} of {Count} events already applied; skipped", events.Count - applied, events.Count);
            }
        }

        foreach (var (result, error) in poison)
        {
            logger.LogError("Dead-lettered message at {Topic} {Partition}@{Offset}: {Error}", result.Topic, result.Partition.Value, result.Offset.Value, error);
        }

        // The users' cached history and summary are stale from now on (Payment bumped too, right after its commit;
        // this covers a bump that did not reach Redis). Best effort: entries also expire by their TTL.
        await HistoryGeneration.BumpAsync(redis, events.Select(e => e.Event.Transaction.UserId).Where(id => id > 0), logger);
    }

    /// <summary>Each of the batch's partitions is read one message at a time up to the batch's last offset there.</summary>
    private static void ReadOneAtATime(List<ConsumeResult<string, string>> batch, Dictionary<TopicPartition, long> oneAtATime)
    {
        foreach (var partition in batch.GroupBy(r => r.TopicPartition))
        {
            oneAtATime[partition.Key] = partition.Max(r => r.Offset.Value);
        }
    }

    /// <summary>Reads the batch again: each of its partitions goes back to its first offset in it.</summary>
    private void Rewind(IConsumer<string, string> consumer, List<ConsumeResult<string, string>> batch)
    {
        foreach (var partition in batch.GroupBy(r => r.TopicPartition))
        {
            try
            {
                consumer.Seek(partition.First().TopicPartitionOffset);
            }
            catch (KafkaException ex)
            {
                // Revoked meanwhile: its new owner starts from the committed offset, before this batch.
                logger.LogInformation("Partition {Partition} not rewound: {Reason}", partition.Key.Partition.Value, ex.Error.Reason);
            }
        }
    }

    /// <summary>
    /// The broker now serving us is another cluster (the Local broker's mock cluster forgets its log and the group's
    /// offsets on restart, and its new log starts at 0 with the same leader epoch). Nothing the client holds fits the
    /// new log: librdkafka validates its old position against the new log's end for that epoch and jumps to that
    /// end (or keeps the old position when the new log is already longer), silently skipping what the outbox relay
    /// has already re-published there; and an offset stored before the restart can be auto-committed into the new
    /// cluster (it accepts commits for a group it does not know yet) and skip the same events after the next
    /// rebalance. So each assigned partition goes back to the start of the new log, and that start replaces both
    /// the stored offset and whatever was committed meanwhile. Events read again are skipped by the inbox.
    /// </summary>
    private void StartOverOnNewCluster(IConsumer<string, string> consumer)
    {
        var starts = new List<TopicPartitionOffset>();
        foreach (var partition in consumer.Assignment)
        {
            try
            {
                var start = new TopicPartitionOffset(partition, consumer.QueryWatermarkOffsets(partition, BrokerTimeout).Low);
                consumer.StoreOffset(start);
                consumer.Seek(start);
                starts.Add(start);
            }
            catch (KafkaException ex)
            {
                // Revoked or not yet fetching: its next owner starts from the committed offset, replaced below.
                logger.LogWarning("Partition {Partition} not moved to the start of the new log: {Reason}", partition.Partition.Value, ex.Error.Reason);
            }
        }

        logger.LogWarning("Kafka cluster changed (broker restarted with an empty log): reading partitions {Partitions} again from the start of the new log",
            string.Join(", ", starts.Select(s => $"{s.Partition.Value}@{s.Offset.Value}")));
        if (starts.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(starts);
        }
        catch (KafkaException ex)
        {
            logger.LogWarning("Start of the new log not committed: {Reason}", ex.Error.Reason);
        }
    }

    /// <summary>Marks the batch done: the next offset of each partition is committed in the background.</summary>
    private void StoreOffsets(IConsumer<string, string> consumer, List<ConsumeResult<string, string>> batch)
    {
        foreach (var partition in batch.GroupBy(r => r.TopicPartition))
        {
            try
            {
                consumer.StoreOffset(partition.Last());
            }
            catch (KafkaException ex)
            {
                // Revoked while the batch was read: its new owner reads these again and the inbox skips them.
                logger.LogInformation("Offset of partition {Partition} not stored: {Reason}", partition.Key.Partition.Value, ex.Error.Reason);
            }
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<string, string> result, string error, CancellationToken ct)
    {
        logger.LogError("Dead-lettering message at {Topic} {Partition}@{Offset}: {Error}", result.Topic, result.Partition.Value, result.Offset.Value, error);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
        db.DeadLetterEvents.Add(DeadLetter(result, error));
        await db.SaveChangesAsync(ct);
    }

    private static DeadLetterEvent DeadLetter(ConsumeResult<string, string> result, string error) => new()
    {
        Topic = result.Topic,
        Partition = result.Partition.Value,
        Offset = result.Offset.Value,
        MessageKey = result.Message.Key is { Length: > 200 } key ? key[..200] : result.Message.Key,
        Payload = result.Message.Value,
        Error = error.Length > 2000 ? error[..2000] : error,
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
