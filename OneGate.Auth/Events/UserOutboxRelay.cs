using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Auth.Events;

/// <summary>
/// Publishes <c>auth_outbox_messages</c> (users' events, written by the database in the same transaction as the
/// change) to <c>onegate.users.v1</c> in id order, keyed by user id. One replica relays at a time (a Postgres advisory
/// lock, given up explicitly on every error so another replica can lead meanwhile). Messages go one at a time, each
/// after Kafka acknowledged the one before (users change rarely; this keeps every user's order whatever fails).
/// A message Kafka refuses stops its user only: it gets its own retry time (1 s doubling to 10 s) and its error,
/// its user's later events wait behind it, and other users' events go on. At-least-once: a crash between produce
/// and mark re-sends, and consumers apply a user's state only when its version is newer. Between batches the leader
/// deletes rows published longer ago than the retention (<see cref="OutboxPruning"/>).
/// </summary>
public sealed class UserOutboxRelay(IServiceScopeFactory scopes, IProducer<string, string> producer, IOptions<OutboxRetentionOptions> retention,
    ILogger<UserOutboxRelay> logger) : BackgroundService
{
    private const long RelayLockKey = 0x0_7573_7262_6F78; // "usrbox"; Payment's relay has its own key
    private const int BatchSize = 100;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan NotLeaderPoll = TimeSpan.FromSeconds(5);

    private readonly OutboxPruning pruning = new(retention.Value, "auth_outbox_messages", logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        AdvisoryLeadership.RunWhileLeadingAsync<AuthDbContext>(scopes, RelayLockKey, "User outbox relay", LeadAsync,
            ct => Task.Delay(NotLeaderPoll, ct), logger, stoppingToken);

    private async Task LeadAsync(AuthDbContext db, Action progressed, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var read = await RelayBatchAsync(db, ct);
            await pruning.StepAsync(db.OutboxMessages, ct);
            progressed();
            if (read < BatchSize)
            {
                await Task.Delay(IdlePoll, ct);
            }
        }
    }

    private async Task<int> RelayBatchAsync(AuthDbContext db, CancellationToken ct)
    {
        var batch = await db.OutboxMessages.DueAsync(DateTimeOffset.UtcNow, BatchSize, ct);
        // Auth's context retries on a broken connection, which can land on a new session without the lock: a
        // relay that is no longer the leader must not send (two senders could leave an older state last on the
        // compacted topic). Checked only when there is something to send, not on every idle poll.
        if (batch.Count > 0 && !await AdvisoryLeadership.IsHeldAsync(db, RelayLockKey, ct))
        {
            throw new InvalidOperationException("The user outbox relay's session no longer holds the leadership lock");
        }

        var sent = new List<long>();
        var failedUsers = new HashSet<string>();
        try
        {
            foreach (var message in batch)
            {
                if (failedUsers.Contains(message.MessageKey))
                {
                    continue; // behind its user's failed message: waits for that one's retry
                }

                try
                {
                    await producer.ProduceTracedAsync(message.Topic, message.ToKafkaMessage(), ct);
                    sent.Add(message.Id);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    failedUsers.Add(message.MessageKey);
                    await RecordFailureAsync(db, message, ex);
                }
            }
        }
        finally
        {
            await db.OutboxMessages.MarkSentAsync(sent);
        }

        return batch.Count;
    }

    private async Task RecordFailureAsync(AuthDbContext db, OutboxMessage failed, Exception ex)
    {
        var (error, delay) = OutboxQueries.FailureOf(failed, ex);
        logger.LogWarning("User event {Id} of user {Key} not published (attempt {Attempt}); its later events wait, retry in {Delay} s: {Reason}",
            failed.Id, failed.MessageKey, failed.Attempts + 1, (int)delay.TotalSeconds, error);
        await db.OutboxMessages.RecordFailureAsync(failed.Id, error, delay);
    }
}
