using System.Text.Json;
using Npgsql;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Tests.Payment;

/// <summary>
/// The relay's query under a backlog the planner's statistics have not seen (a hot account's chain grows one within
/// seconds): the keys held by failures must come from the failed rows' own index, not from reading the backlog.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OutboxDueQueryTests(OneGateAppFixture fixture)
{
    private const int Published = 20_000;
    private const int Backlog = 5_000;
    private static readonly string DueSql = OutboxQueries.DueSql("payment\".\"outbox_messages", "$1", "$2");

    [Fact]
    public async Task The_relays_query_reads_neither_the_backlog_nor_its_failures_whole()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        try
        {
            // Statistics from a quiet outbox (published rows, nothing unsent), then a backlog they have not seen; all of
            // it uncommitted, so the running relay publishes none of it.
            await using var transaction = await db.BeginTransactionAsync();
            await ExecuteAsync(db, transaction, Insert("now()"), Published);
            await ExecuteAsync(db, transaction, "ANALYZE outbox_messages");
            await ExecuteAsync(db, transaction, Insert("NULL"), Backlog);

            var plan = await ExplainAsync(db, transaction);
            var held = FindCte(plan, "held") ?? throw new InvalidOperationException($"no CTE held in the plan: {plan}");

            // The failed rows' index is a page or two, and a batch of 200 small rows a few pages more; reading the
            // backlog's index and rows to filter or sort them is hundreds.
            Assert.True(SharedBlocks(held) < 20, $"the held keys read {SharedBlocks(held)} pages with {Backlog} unsent messages: {held}");
            Assert.True(SharedBlocks(plan) < 100, $"the query read {SharedBlocks(plan)} pages with {Backlog} unsent messages: {plan}");
            var ids = await DueIdsAsync(db, transaction);
            Assert.Equal(200, ids.Count);
            Assert.Equal(ids.Order(), ids);
            await transaction.RollbackAsync();
        }
        finally
        {
            // ANALYZE's row count estimate is not rolled back: count the table as it is again.
            await ExecuteAsync(db, null, "ANALYZE outbox_messages");
        }
    }

    private static async Task<List<long>> DueIdsAsync(NpgsqlConnection db, NpgsqlTransaction transaction)
    {
        await using var due = Due(db, transaction, "SELECT id FROM (" + DueSql + ") AS q");
        await using var reader = await due.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static NpgsqlCommand Due(NpgsqlConnection db, NpgsqlTransaction transaction, string sql) => new(sql, db, transaction)
    {
        Parameters = { new() { Value = DateTimeOffset.UtcNow }, new() { Value = 200 } },
    };

    private static string Insert(string sentAt) => $$"""
        INSERT INTO outbox_messages (message_id, topic, message_key, event_type, payload, sent_at)
        SELECT gen_random_uuid(), 'onegate.test.backlog', 'test-backlog-' || (n % 50), 'test', '{}'::jsonb, {{sentAt}} FROM generate_series(1, $1) AS n
        """;

    private static async Task ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction? transaction, string sql, int? rows = null)
    {
        await using var command = new NpgsqlCommand(sql, db, transaction);
        if (rows is { } n)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = n });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<JsonElement> ExplainAsync(NpgsqlConnection db, NpgsqlTransaction transaction)
    {
        await using var explain = Due(db, transaction, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + DueSql);
        var json = (string)(await explain.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan");
    }

    private static JsonElement? FindCte(JsonElement node, string name)
    {
        if (node.TryGetProperty("Subplan Name", out var subplan) && subplan.GetString() == $"CTE {name}")
        {
            return node;
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                if (FindCte(child, name) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static long SharedBlocks(JsonElement node) =>
        node.GetProperty("Shared Hit Blocks").GetInt64() + node.GetProperty("Shared Read Blocks").GetInt64();
}
