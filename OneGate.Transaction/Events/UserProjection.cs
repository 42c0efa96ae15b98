using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.Pseudonyms;

namespace OneGate.Transaction.Events;

/// <summary>
/// Applies Auth's user events to <c>masked_users</c> inside the caller's database transaction, in one round trip:
/// the events' ids go into the inbox, and each user's newest state in the batch is upserted only where its version
/// is newer than the stored one. So a redelivered, replayed or older event changes nothing, whatever order it
/// arrives in. Only the contract's masks are stored (<see cref="PersonalDataMask"/>): this service never holds a
/// username or phone.
/// </summary>
public sealed class UserProjection(TransactionDbContext db)
{
    public async Task ApplyAsync(IReadOnlyList<(UserEvent Event, TopicPartitionOffset Position)> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        // One row per user (an upsert may not touch a row twice), in user order (two consumers overlapping in a
        // rebalance then wait for each other instead of deadlocking).
        var latest = events.Select(e => e.Event.User).GroupBy(u => u.UserId)
            .Select(g => g.MaxBy(u => u.Version)!).OrderBy(u => u.UserId).ToList();
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Events are applied only inside the caller's transaction."));
        batch.BatchCommands.Add(Inbox.Record([.. events.Select(e => (e.Event.EventId, e.Position))]));
        batch.BatchCommands.Add(Upsert(latest));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Upsert(List<UserEventData> users) => new("""
        INSERT INTO masked_users (user_id, masked_username, masked_phone, status, version, updated_at)
        SELECT u.*, now() FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[]) AS u
        ON CONFLICT (user_id) DO UPDATE SET masked_username = EXCLUDED.masked_username, masked_phone = EXCLUDED.masked_phone,
            status = EXCLUDED.status, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
         WHERE masked_users.version < EXCLUDED.version
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<int[]> { TypedValue = [.. users.Select(u => u.UserId)] },
            new NpgsqlParameter<string[]> { TypedValue = [.. users.Select(u => PersonalDataMask.Username(u.Username))] },
            new NpgsqlParameter<string[]> { TypedValue = [.. users.Select(u => PersonalDataMask.Phone(u.Phone))] },
            new NpgsqlParameter<string[]> { TypedValue = [.. users.Select(u => u.Status)] },
            new NpgsqlParameter<int[]> { TypedValue = [.. users.Select(u => u.Version)] },
        },
    };
}
