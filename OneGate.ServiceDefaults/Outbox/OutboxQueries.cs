using System.Text;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;

namespace OneGate.ServiceDefaults.Outbox;

/// <summary>
/// What every outbox relay asks of its table, whatever its concurrency: the messages that may go now, marking
/// acknowledged ones sent, and a failed message's own retry time. A failed message stops its key only: its key's
/// later messages wait behind it, every other key's go on.
/// </summary>
public static class OutboxQueries
{
    private const int MaxErrorLength = 2000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unsent messages that may go now, oldest first: not a key's failed message before its retry time, nor anything
    /// behind a key's failed message (it would overtake it). So a failing key takes one place in a batch, not the batch.
    /// </summary>
    public static Task<List<OutboxMessage>> DueAsync(this DbSet<OutboxMessage> outbox, DateTimeOffset now, int count, CancellationToken ct) =>
        outbox.FromSqlRaw(DueSql(Table(outbox), "{0}", "{1}"), now, count).AsNoTracking().ToListAsync(ct);

    /// <summary>
    /// The statement of <see cref="DueAsync"/> (<paramref name="now"/> and <paramref name="count"/> are its parameters'
    /// placeholders). The keys held up by a failure (usually none) are read first, once, and only the failed rows' own
    /// index can answer that: the healthy rows' index excludes failed ones (<see cref="OutboxMessageTable"/>). While it
    /// covered them, the planner, with statistics from before a backlog (a hot account's chain keeps one growing),
    /// read the whole backlog through it to find the failures: 9 ms of a 13.5 ms query at 6,400 unsent messages, every
    /// batch, so a backlog slowed its own catch-up. (Asked per candidate instead, a correlated NOT EXISTS, the planner
    /// at times filtered the whole backlog once per candidate: 189 ms for one batch at 636.)
    /// </summary>
    public static string DueSql(string table, string now, string count)
    {
        // Each branch stops at its first `count` rows in id order through its own index, so even a plan expecting no
        // backlog cannot read the whole backlog to sort it; the merge keeps the oldest `count` of both.
        string Branch(string failed) => $$"""
            (SELECT o.* FROM "{{table}}" AS o
              WHERE o.sent_at IS NULL AND o.last_error IS {{failed}} AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= {{now}})
                AND NOT EXISTS (SELECT 1 FROM held h WHERE h.message_key = o.message_key AND h.first_failed < o.id)
              ORDER BY o.id LIMIT {{count}})
            """;
        return $$"""
            WITH held AS MATERIALIZED (
                SELECT message_key, min(id) AS first_failed FROM "{{table}}"
                 WHERE sent_at IS NULL AND last_error IS NOT NULL GROUP BY message_key)
            SELECT * FROM (
            {{Branch("NULL")}}
            UNION ALL
            {{Branch("NOT NULL")}}
            ) AS due ORDER BY id LIMIT {{count}}
            """;
    }

    /// <summary>How many messages are left to publish: the healthy and the failed ones, each through its own index.</summary>
    public static async Task<long> PendingAsync(this DbSet<OutboxMessage> outbox, CancellationToken ct) =>
        await outbox.Where(m => m.SentAt == null && m.LastError == null).LongCountAsync(ct)
        + await outbox.Where(m => m.SentAt == null && m.LastError != null).LongCountAsync(ct);

    /// <summary>The table's schema-qualified name, quoted for SQL between double quotes.</summary>
    private static string Table(DbSet<OutboxMessage> outbox) =>
        outbox.EntityType.GetSchemaQualifiedTableName()!.Replace(".", "\".\"", StringComparison.Ordinal);

    /// <summary>One statement marks every acknowledged message sent.</summary>
    public static async Task MarkSentAsync(this DbSet<OutboxMessage> outbox, List<long> sent)
    {
        if (sent.Count > 0)
        {
            var now = DateTimeOffset.UtcNow;
            await outbox.Where(m => sent.Contains(m.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), CancellationToken.None);
        }
    }

    /// <summary>What to record of a failed message: the error (truncated to its column) and its retry delay (1 s doubling to 10 s).</summary>
    public static (string Error, TimeSpan Delay) FailureOf(OutboxMessage failed, Exception ex) =>
        (ex.Message.Length > MaxErrorLength ? ex.Message[..MaxErrorLength] : ex.Message,
         TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failed.Attempts, 10)))));

    /// <summary>Gives the failed message its own retry time and says why, for the relay and for operators.</summary>
    public static Task RecordFailureAsync(this DbSet<OutboxMessage> outbox, long id, string error, TimeSpan delay) =>
        outbox.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, m => m.Attempts + 1)
            .SetProperty(m => m.LastError, error)
            .SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow + delay), CancellationToken.None);

    /// <summary>The Kafka message for an outbox row: its key and payload, the event's id and type as headers.</summary>
    public static Message<string, string> ToKafkaMessage(this OutboxMessage message) => new()
    {
        Key = message.MessageKey,
        Value = message.Payload,
        Headers = new Headers
        {
            { "event-id", Encoding.UTF8.GetBytes(message.MessageId.ToString()) },
            { "event-type", Encoding.UTF8.GetBytes(message.EventType) },
        },
    };
}
