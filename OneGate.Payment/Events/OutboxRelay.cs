using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;
using OneGate.ServiceDefaults;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Outbox;
using StackExchange.Redis;

namespace OneGate.Payment.Events;

/// <summary>
/// Drains <c>outbox_messages</c> to Kafka in id order until it is empty, whatever crashed before. One
/// replica relays at a time (a Postgres advisory lock), so an account's events are never reordered by two
/// relays racing. A batch is produced with many deliveries in flight, but an account's next event only after
/// Kafka acknowledged its previous one. A message that fails stops its account only: it is retried with its
/// own backoff (<c>next_attempt_at</c>), never skipped, its account's later events wait behind it, and the
/// other accounts' events go on. Any other failure gives up the lock before backing off, so another replica
/// can lead meanwhile. Delivery is at-least-once (a crash between produce and mark re-sends); consumers
/// dedupe by event id. Between batches the leader deletes rows published longer ago than the retention
/// (<see cref="OutboxPruning"/>).
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IProducer<string, string> producer, OutboxSignal signal,
    IOptions<OutboxRetentionOptions> retention, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // "outbox"
    private const int BatchSize = 200;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    // While another replica relays, how often this one checks whether the lead is vacant (its commits wake the
    // relaying replica through the signal, not this loop).
    private static readonly TimeSpan VacancyPoll = TimeSpan.FromSeconds(1);

    // Commits that arrive while a batch is relayed mean a steady stream: waiting this long lets the next
    // batch take several of them for one SELECT and one UPDATE. An idle relay wakes at once (no added latency).
    private static readonly TimeSpan BusyLinger = TimeSpan.FromMilliseconds(5);
    private static readonly ActivitySource Source = new("OneGate.Payment.Outbox");

    private static readonly TimeSpan CountEvery = TimeSpan.FromSeconds(1);
    private (long At, long Pending)? lastCount;

    private readonly OutboxPruning pruning = new(retention.Value, "outbox_messages", logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        AdvisoryLeadership.RunWhileLeadingAsync<PaymentDbContext>(scopes, RelayLockKey, "Outbox relay", LeadAsync, async ct =>
        {
            LedgerMetrics.OutboxNotRelaying();
            await Task.Delay(VacancyPoll, ct);
        }, logger, stoppingToken);

    /// <summary>Relays batch after batch until cancelled or a batch fails as a whole.</summary>
    private async Task LeadAsync(PaymentDbContext db, Action progressed, CancellationToken ct)
    {
        try
        {
            signal.Lead();
            await RelayUntilFailedAsync(db, progressed, ct);
        }
        finally
        {
            signal.Follow();
        }
    }

    private async Task RelayUntilFailedAsync(PaymentDbContext db, Action progressed, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (read, sent) = await RelayBatchAsync(db, ct);
            await pruning.StepAsync(db.OutboxMessages, ct);
            progressed();
            if (read == BatchSize && sent > 0)
            {
                continue; // a backlog: the next batch at once
            }

            if (sent > 0 && await signal.WaitAsync(TimeSpan.Zero, ct))
            {
                await Task.Delay(BusyLinger, ct);
            }
            else
            {
                await signal.WaitAsync(IdlePoll, ct);
            }
        }
    }

    private async Task<(int Read, int Sent)> RelayBatchAsync(PaymentDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var batch = await db.OutboxMessages.DueAsync(DateTimeOffset.UtcNow, BatchSize, ct);
        var pending = await PendingAsync(db, batch.Count, ct);
        LedgerMetrics.OutboxObserved(batch.Count == 0 ? null : batch.Min(m => m.CreatedAt), pending);

        // Written by each account's chain at its own positions; read after all chains completed.
        var acknowledged = new bool[batch.Count];
        Failure[] failures;
        try
        {
            failures = [.. (await Task.WhenAll(Enumerable.Range(0, batch.Count)
                .GroupBy(i => batch[i].MessageKey)
                .Select(account => RelayAccountAsync(batch, [.. account], acknowledged, ct)))).OfType<Failure>()];
        }
        finally
        {
            // One statement marks every acknowledged message. None of them follows a failed message of its
            // own account: an account's chain stops at its first failure.
            await db.OutboxMessages.MarkSentAsync([.. batch.Where((_, i) => acknowledged[i]).Select(m => m.Id)]);
        }

        foreach (var failure in failures)
        {
            await RecordFailureAsync(db, failure);
        }

        if (batch.Count < BatchSize && failures.Length == 0)
        {
            LedgerMetrics.OutboxObserved(null, 0); // drained; what committed meanwhile is read at the next poll
        }

        return (batch.Count, acknowledged.Count(a => a));
    }

    /// <summary>
    /// The unsent messages for the backlog gauge: a batch that was not full read them all; a full one means a backlog,
    /// which counting reads whole (milliseconds per batch at tens of thousands, while a hot account's chain keeps the
    /// relay busy), so it is counted at most once per <see cref="CountEvery"/> and the figure is at most that old.
    /// </summary>
    private async Task<long> PendingAsync(PaymentDbContext db, int read, CancellationToken ct)
    {
        if (read < BatchSize)
        {
            return read;
        }

        if (lastCount is { } last && Stopwatch.GetElapsedTime(last.At) < CountEvery)
        {
            return Math.Max(read, last.Pending);
        }

        var pending = await db.OutboxMessages.PendingAsync(ct);
        lastCount = (Stopwatch.GetTimestamp(), pending);
        return pending;
    }

    /// <summary>Counts and logs the failure and gives the message its own retry time.</summary>
    private async Task RecordFailureAsync(PaymentDbContext db, Failure failure)
    {
        var (failed, ex) = failure;
        LedgerMetrics.OutboxPublishFailed();
        var (error, delay) = OutboxQueries.FailureOf(failed, ex);
        logger.LogWarning("Outbox message {Id} of {Key} not published (attempt {Attempt}); its later events wait, retry in {Delay} s: {Reason}",
            failed.Id, failed.MessageKey, failed.Attempts + 1, (int)delay.TotalSeconds, error);
        await db.OutboxMessages.RecordFailureAsync(failed.Id, error, delay);
    }

    /// <summary>
    /// Produces one account's messages of the batch in id order, each only after Kafka acknowledged the one
    /// before; other accounts' chains run meanwhile, so the batch has many deliveries in flight.
    /// </summary>
    /// <remarks>
    /// Why not all at once and trust the idempotent producer: librdkafka keeps produce order per partition
    /// with up to 5 requests in flight, but its docs (INTRODUCTION.md, "Idempotent Producer") say a failure
    /// does not fail the messages behind it: messages that time out leave gaps (1, 4, 5 written after 2 and 3
    /// timed out, even with enable.gapless.guarantee), and without that setting a permanent error fails only
    /// its own batch. A later event of the account could then be written before the failed one is retried.
    /// Chaining per account keeps Kafka's log in the account's order whatever fails, and relies only on an
    /// acknowledged message being durably written (acks=all).
    /// </remarks>
    private async Task<Failure?> RelayAccountAsync(List<OutboxMessage> batch, int[] positions, bool[] acknowledged, CancellationToken ct)
    {
        foreach (var i in positions)
        {
            try
            {
                await ProduceAsync(batch[i], ct);
                acknowledged[i] = true;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Refused by Kafka, timed out, or a row that cannot be produced: this account's later messages wait for the retry.
                return new Failure(batch[i], ex);
            }
        }

        return null;
    }

    private async Task ProduceAsync(OutboxMessage message, CancellationToken ct)
    {
        var traceParent = message.Headers is null ? null
            : JsonSerializer.Deserialize<Dictionary<string, string>>(message.Headers)?.GetValueOrDefault("traceparent");
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = Source.StartActivity("outbox relay", ActivityKind.Internal, parent);
        await producer.ProduceTracedAsync(message.Topic, message.ToKafkaMessage(), ct);
    }

    private sealed record Failure(OutboxMessage Message, Exception Error);
}

/// <summary>
/// Wakes the relay right after a commit instead of waiting for its next poll, whichever replica committed: the
/// replica that relays is woken in process; any other publishes the wake on Redis, where the relaying replica
/// listens. The wake is only a hint: publishing never waits on Redis nor fails its caller (a commit's), and a lost
/// wake costs the relay's poll, never an event.
/// </summary>
public sealed class OutboxSignal
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("onegate:payment:outbox-committed");
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly IConnectionMultiplexer? redis;
    private volatile bool leading;

    /// <param name="redis">None: only this process's relay is woken (the tests' extra engines).</param>
    public OutboxSignal(ILogger<OutboxSignal> logger, IConnectionMultiplexer? redis = null)
    {
        this.redis = redis;
        Listening = redis is null ? Task.CompletedTask : ListenAsync(redis, logger);
    }

    /// <summary>What this replica publishes as its wake: which replica it came from.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Completes once subscribed to other replicas' wakes.</summary>
    public Task Listening { get; }

    /// <summary>This replica relays from now on: commits of every replica wake it.</summary>
    public void Lead() => leading = true;

    /// <summary>Another replica relays: other replicas' wakes are not for this one.</summary>
    public void Follow() => leading = false;

    /// <summary>A commit wrote outbox rows.</summary>
    public void Notify()
    {
        Release();
        if (leading || redis is null)
        {
            return;
        }

        try
        {
            _ = redis.GetSubscriber().PublishAsync(Channel, Instance, CommandFlags.FireAndForget);
        }
        catch (Exception)
        {
            // Redis unreachable or shutting down: the relay's poll publishes the rows.
        }
    }

    /// <summary>True when a commit signalled (consuming the signal), false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    // In the background, so the relay never waits on Redis to lead; tried until it succeeds (a refused or timed-out
    // SUBSCRIBE is not repeated by the client until it reconnects). Every replica subscribes; only the relaying one acts.
    private async Task ListenAsync(IConnectionMultiplexer connection, ILogger logger)
    {
        for (var pause = TimeSpan.Zero; ;)
        {
            try
            {
                await connection.GetSubscriber().SubscribeAsync(Channel, (_, _) =>
                {
                    if (leading)
                    {
                        Release();
                    }
                });
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // shutting down
            }
            catch (Exception ex)
            {
                pause = Backoff.Next(pause, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                logger.LogWarning("Outbox relay not subscribed to other replicas' wakes (meanwhile the poll); trying again in {Pause} s: {Reason}",
                    (int)pause.TotalSeconds, ex.Message);
                await Task.Delay(pause);
            }
        }
    }

    private void Release()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }
}
