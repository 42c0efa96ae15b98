using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Payment.Events;

/// <summary>
/// Drains <c>outbox_messages</c> to Kafka in id order until it is empty, whatever crashed before. One
/// replica relays at a time (a Postgres advisory lock), so an account's events are never reordered by two
/// relays racing. A batch is produced with many deliveries in flight, but an account's next event only after
/// Kafka acknowledged its previous one. A message that fails stops its account only: it is retried with its
/// own backoff (<c>next_attempt_at</c>), never skipped, its account's later events wait behind it, and the
/// other accounts' events go on. Any other failure gives up the lock before backing off, so another replica
/// can lead meanwhile. Delivery is at-least-once (a crash between produce and mark re-sends); consumers
/// dedupe by event id.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IProducer<string, string> producer, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // "outbox"
    private const int BatchSize = 200;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxAccountBackoff = TimeSpan.FromSeconds(10);

    // Commits that arrive while a batch is relayed mean a steady stream: waiting this long lets the next
    // batch take several of them for one SELECT and one UPDATE. An idle relay wakes at once (no added latency).
    private static readonly TimeSpan BusyLinger = TimeSpan.FromMilliseconds(5);
    private static readonly ActivitySource Source = new("OneGate.Payment.Outbox");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        AdvisoryLeadership.RunWhileLeadingAsync<PaymentDbContext>(scopes, RelayLockKey, "Outbox relay", LeadAsync, async ct =>
        {
            LedgerMetrics.OutboxNotRelaying();
            await signal.WaitAsync(TimeSpan.FromSeconds(5), ct);
        }, logger, stoppingToken);

    /// <summary>Relays batch after batch until cancelled or a batch fails as a whole.</summary>
    private async Task LeadAsync(PaymentDbContext db, Action progressed, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (read, sent) = await RelayBatchAsync(db, ct);
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

    /// <summary>
    /// Unsent messages that may go now, oldest first: not an account's failed message before its retry time,
    /// nor anything behind an account's failed message (it would overtake it). So a failing account takes one
    /// place in a batch, not the batch.
    /// </summary>
    private static IQueryable<OutboxMessage> Due(PaymentDbContext db, DateTimeOffset now) =>
        db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .Where(m => !db.OutboxMessages.Any(f => f.MessageKey == m.MessageKey && f.SentAt == null && f.LastError != null && f.Id < m.Id))
            .OrderBy(m => m.Id);

    private async Task<(int Read, int Sent)> RelayBatchAsync(PaymentDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var batch = await Due(db, DateTimeOffset.UtcNow).Take(BatchSize).ToListAsync(ct);
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
            await MarkSentAsync(db, [.. batch.Where((_, i) => acknowledged[i]).Select(m => m.Id)]);
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

    private static async Task MarkSentAsync(PaymentDbContext db, List<long> sent)
    {
        if (sent.Count > 0)
        {
            var now = DateTimeOffset.UtcNow;
            await db.OutboxMessages.Where(m => sent.Contains(m.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), CancellationToken.None);
        }
    }

    /// <summary>Sets the failed message's retry time (doubling, capped) and says why, for the relay and for operators.</summary>
    private async Task RecordFailureAsync(PaymentDbContext db, Failure failure)
    {
        var (failed, ex) = failure;
        var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
        var delay = TimeSpan.FromSeconds(Math.Min(MaxAccountBackoff.TotalSeconds, Math.Pow(2, Math.Min(failed.Attempts, 10))));
        LedgerMetrics.OutboxPublishFailed();
        logger.LogWarning("Outbox message {Id} of {Key} not published (attempt {Attempt}); its later events wait, retry in {Delay} s: {Reason}",
            failed.Id, failed.MessageKey, failed.Attempts + 1, (int)delay.TotalSeconds, error);
        await db.OutboxMessages.Where(m => m.Id == failed.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, m => m.Attempts + 1)
            .SetProperty(m => m.LastError, error)
            .SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow + delay), CancellationToken.None);
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
