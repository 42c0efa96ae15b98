using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Events;

/// <summary>
/// Puts a dead letter back: the one core of <c>dead-letters replay</c> and the back office's replay. In one transaction
/// that locks the letter's row (<c>FOR UPDATE</c>: a concurrent replay of it waits, then finds it gone): produce the
/// message again, with its key, to its topic and partition (so its account's order holds for what follows), wait for
/// Kafka's acknowledgement, remove the letter, append the audit row, commit. The consumer applies the message like any
/// event, its inbox skipping one applied already; one that fails again comes back as a new dead letter. A failure after
/// the produce (a lost connection, a crash) rolls the removal back, so a retry produces it again, which the inbox absorbs:
/// never lost, never applied twice. A user event whose personal data was redacted (<see cref="DeadLetterRedaction"/>) is
/// removed without being sent.
/// </summary>
public sealed class DeadLetterReplay(TransactionDbContext db, IProducer<string, string> producer, TransactionAudit audit)
{
    private const string Target = "dead_letter";

    /// <summary>What happened to one letter; null when there is no such letter (any more).</summary>
    public async Task<ReplayOutcome?> ReplayAsync(long id, AuditActor actor, string? reason, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM transaction.dead_letter_events WHERE id = {id} FOR UPDATE", ct);
        var letter = await db.DeadLetterEvents.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (letter is null)
        {
            return null;
        }

        var dropped = letter.Topic == KafkaTopics.Users && letter.Payload is { } payload && RedactedUserEvent.IsRedacted(payload);
        var at = $"{letter.Topic}@{letter.Partition}:{letter.Offset}";
        if (!dropped)
        {
            // Awaited: removed only once Kafka has it.
            await producer.ProduceTracedAsync(new TopicPartition(letter.Topic, new Partition(letter.Partition)),
                new Message<string, string> { Key = letter.MessageKey!, Value = letter.Payload! }, ct);
        }

        db.DeadLetterEvents.Remove(letter);
        await db.SaveChangesAsync(ct);
        var outcome = new ReplayOutcome(id, dropped ? ReplayOutcome.Dropped : ReplayOutcome.Replayed, at);
        await audit.RecordAsync(db, actor, dropped ? TransactionAuditActions.DeadLetterDrop : TransactionAuditActions.DeadLetterReplay, Target,
            id.ToString(System.Globalization.CultureInfo.InvariantCulture), Where(letter),
            outcome, reason, ct);
        await transaction.CommitAsync(ct);
        return outcome;
    }

    /// <summary>
    /// The oldest <paramref name="max"/> letters there are now, one at a time (each its own transaction: in order, each
    /// removed once Kafka has it), each outcome added to <paramref name="outcomes"/> as it lands: when Kafka fails midway,
    /// the caller still knows what was done before.
    /// </summary>
    public async Task ReplayAllAsync(AuditActor actor, string? reason, int max, List<ReplayOutcome> outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var ids = await db.DeadLetterEvents.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Id).Take(max).ToListAsync(ct);
        foreach (var id in ids)
        {
            if (await ReplayAsync(id, actor, reason, ct) is { } outcome)
            {
                outcomes.Add(outcome);
            }
        }
    }

    /// <summary>
    /// Where the letter was, for the audit trail: not its key nor its error text, which may hold personal data (dead
    /// letters are OPERATIONS-only, the trail is browsed by COMPLIANCE too).
    /// </summary>
    private static object Where(DeadLetterEvent letter) => new { letter.Topic, letter.Partition, letter.Offset, letter.CreatedAt };
}
