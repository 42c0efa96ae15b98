using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Payment.Events;

/// <summary>
/// Drains <c>outbox_messages</c> to Kafka in id order until it is empty, whatever crashed before. One
/// replica relays at a time (a Postgres advisory lock), so an account's events are never reordered by two
/// relays racing. A batch is produced with many deliveries in flight, but an account's next event only after
/// Kafka acknowledged its previous one; a message that fails stops its account and is retried with backoff,
/// never skipped. Delivery is at-least-once (a crash between produce and mark re-sends); consumers dedupe by
/// event id.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IProducer<string, string> producer, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // "outbox"
    private const int BatchSize = 200;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    // Commits that arrive while a batch is relayed mean a steady stream: waiting this long lets the next
    // batch take several of them for one SELECT and one UPDATE. An idle relay wakes at once (no added latency).
    private static readonly TimeSpan BusyLinger = TimeSpan.FromMilliseconds(5);
    private static readonly ActivitySource Source = new("OneGate.Payment.Outbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
                await db.Database.OpenConnectionAsync(stoppingToken);
                if (!await TryLeadAsync(db, stoppingToken))
                {
                    LedgerMetrics.OutboxNotRelaying();
                    await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                    continue;
                }

                // Leader: relay until cancelled; the lock dies with the connection if this process does.
                while (!stoppingToken.IsCancellationRequested)
                {
                    var sent = await RelayBatchAsync(db, stoppingToken);
                    backoff = TimeSpan.Zero;
                    if (sent == BatchSize)
                    {
                        continue; // a backlog: the next batch at once
                    }

                    if (sent > 0 && await signal.WaitAsync(TimeSpan.Zero, stoppingToken))
                    {
                        await Task.Delay(BusyLinger, stoppingToken);
                    }
                    else
                    {
                        await signal.WaitAsync(IdlePoll, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                logger.LogWarning("Outbox relay paused {Backoff} ms: {Reason}", (int)backoff.TotalMilliseconds, ex.Message);
                await Task.Delay(backoff, stoppingToken);
            }
        }
    }

    private static async Task<bool> TryLeadAsync(PaymentDbContext db, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({RelayLockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<int> RelayBatchAsync(PaymentDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var batch = await db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null).OrderBy(m => m.Id).Take(BatchSize).ToListAsync(ct);
        // Counted only when a full batch says there may be more (the partial index keeps that cheap).
        var pending = batch.Count < BatchSize ? batch.Count : await db.OutboxMessages.LongCountAsync(m => m.SentAt == null, ct);
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
            var sent = batch.Where((_, i) => acknowledged[i]).Select(m => m.Id).ToList();
            if (sent.Count > 0)
            {
                var now = DateTimeOffset.UtcNow;
                await db.OutboxMessages.Where(m => sent.Contains(m.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), CancellationToken.None);
            }
        }

        if (failures.Length > 0)
        {
            // The oldest failure is recorded and the relay backs off in-process (next_attempt_at is written
            // for operators but not read: the retry starts again from the oldest unsent message).
            var (failed, ex) = failures.MinBy(f => f.Message.Id)!;
            var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
            await db.OutboxMessages.Where(m => m.Id == failed.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(Math.Min(60, Math.Pow(2, failed.Attempts + 1)))), CancellationToken.None);
            ExceptionDispatchInfo.Throw(ex);
        }

        if (batch.Count < BatchSize)
        {
            LedgerMetrics.OutboxObserved(null, 0); // drained; what committed meanwhile is read at the next poll
        }

        return batch.Count;
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
            catch (Exception ex) when (ex is ProduceException<string, string> or KafkaException)
            {
                return new Failure(batch[i], ex); // this account's later messages wait for the retry
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
        var kafkaMessage = new Message<string, string>
        {
            Key = message.MessageKey,
            Value = message.Payload,
            Headers = new Headers
            {
                { "event-id", Encoding.UTF8.GetBytes(message.MessageId.ToString()) },
                { "event-type", Encoding.UTF8.GetBytes(message.EventType) },
            },
        };
        await producer.ProduceTracedAsync(message.Topic, kafkaMessage, ct);
    }

    private sealed record Failure(OutboxMessage Message, Exception Error);
}

/// <summary>Wakes the relay right after a commit instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
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

    /// <summary>True when a commit signalled (consuming the signal), false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}
