using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Foundation;

/// <summary>
/// Payment's and Auth's outbox relays delete rows published longer ago than the retention (7 days by default), in
/// small steps (10 rows a statement here), and never a row that was not published, however old. The rows are
/// inserted with negative ids: older than every real row, as their times say.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class OutboxPruningTests(OneGateAppFixture fixture)
{
    [Theory]
    [InlineData("outbox_messages", "onegate.transactions.v1")]
    [InlineData("auth_outbox_messages", "onegate.users.v1")]
    public async Task Published_rows_past_the_retention_are_pruned_in_steps_and_unpublished_rows_never(string table, string topic)
    {
        var key = $"test-pruning-{Guid.NewGuid():N}";
        var firstId = -Random.Shared.NextInt64(1_000_000_000_000, 2_000_000_000_000);
        await using var db = await OpenAsync();
        try
        {
            // 25 rows published 9 days ago (three steps' worth), one published yesterday, and one from a month ago that
            // was never published (failed, next try far away, so the relay leaves it alone meanwhile).
            await ExecuteAsync(db, $"""
                INSERT INTO {table} (id, message_id, topic, message_key, event_type, payload, created_at, sent_at, attempts, last_error, next_attempt_at)
                OVERRIDING SYSTEM VALUE
                SELECT $1 + n, gen_random_uuid(), $2, $3, 'test.pruning', jsonb_build_object('n', n),
                       CASE WHEN n < 25 THEN now() - interval '9 days 1 hour' WHEN n = 25 THEN now() - interval '30 days' ELSE now() - interval '1 day' END,
                       CASE WHEN n < 25 THEN now() - interval '9 days' WHEN n = 25 THEN NULL ELSE now() - interval '1 day' END,
                       CASE WHEN n = 25 THEN 3 ELSE 1 END,
                       CASE WHEN n = 25 THEN 'held back by the test' END,
                       CASE WHEN n = 25 THEN now() + interval '1 day' END
                  FROM generate_series(0, 26) n
                """, firstId, topic, key);

            await Eventually.HoldsAsync(async () => await CountAsync(db, table, key, "sent_at < now() - interval '7 days'") == 0,
                TimeSpan.FromSeconds(30), $"published rows of {table} older than the retention were not pruned");

            Assert.Equal(1L, await CountAsync(db, table, key, "sent_at IS NULL"));
            Assert.Equal(1L, await CountAsync(db, table, key, "sent_at > now() - interval '7 days'"));
        }
        finally
        {
            await ExecuteAsync(db, $"DELETE FROM {table} WHERE message_key = $1", key);
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection db, string table, string key, string condition)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE message_key = $1 AND {condition}", db)
        {
            Parameters = { new() { Value = key } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddRange(values.Select(v => new NpgsqlParameter { Value = v }).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }
}
