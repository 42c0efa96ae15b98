using Confluent.Kafka;
using Npgsql;

namespace OneGate.Transaction.Events;

/// <summary><c>processed_events</c>: every applied event's id, recorded in the same transaction as its effect.</summary>
public static class Inbox
{
    /// <summary>
    /// Records the events (in sorted order, so two consumers overlapping during a rebalance wait for each other
    /// rather than deadlock) and returns the ids that were new; the others had been recorded before.
    /// </summary>
    public static NpgsqlBatchCommand Record(IReadOnlyList<(Guid EventId, TopicPartitionOffset Position)> events) => new("""
        INSERT INTO processed_events (event_id, topic, partition, "offset", processed_at)
        SELECT e.event_id, e.topic, e.partition, e.position, now()
          FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[]) AS e(event_id, topic, partition, position)
         ORDER BY e.event_id
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(e => e.EventId)] },
            new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Position.Topic)] },
            new NpgsqlParameter<int[]> { TypedValue = [.. events.Select(e => e.Position.Partition.Value)] },
            new NpgsqlParameter<long[]> { TypedValue = [.. events.Select(e => e.Position.Offset.Value)] },
        },
    };
}
