using System.Diagnostics;
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
/// relays racing; a message that fails stops the batch and is retried with backoff, never skipped.
/// Delivery is at-least-once (a crash between produce and mark re-sends); consumers dedupe by event id.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IProducer<string, string> producer, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // "outbox"
    private const int BatchSize = 200;
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
                    if (sent < BatchSize)
                    {
                        await signal.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
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
        var sent = new List<long>(batch.Count);
        try
        {
            foreach (var message in batch)
            {
                await ProduceAsync(message, ct);
                sent.Add(message.Id);
            }
        }
        catch (Exception ex) when (ex is ProduceException<string, string> or KafkaException)
        {
            var failed = batch[sent.Count];
            var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
            await db.OutboxMessages.Where(m => m.Id == failed.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(Math.Min(60, Math.Pow(2, failed.Attempts + 1)))), CancellationToken.None);
            throw; // stop here: later messages of this account must not overtake this one
        }
        finally
        {
            // One statement marks the acknowledged prefix of the batch.
            if (sent.Count > 0)
            {
                var now = DateTimeOffset.UtcNow;
                await db.OutboxMessages.Where(m => sent.Contains(m.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), CancellationToken.None);
            }
        }

        if (batch.Count < BatchSize)
        {
            LedgerMetrics.OutboxObserved(null, 0); // drained; what committed meanwhile is read at the next poll
        }

        return batch.Count;
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

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}
