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

    [Fact]
    public async Task The_relays_query_finds_the_failures_without_reading_the_backlog()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        // Statistics from a quiet outbox (published rows, nothing unsent), then a backlog they have not seen; all of it
        // uncommitted (the running relay publishes none of it, and the rollback takes the statistics back too).
        await using var transaction = await db.BeginTransactionAsync();
        await ExecuteAsync(db, transaction, Insert("now()"), Published);
        await ExecuteAsync(db, transaction, "ANALYZE outbox_messages");
        await ExecuteAsync(db, transaction, Insert("NULL"), Backlog);

        var plan = await ExplainAsync(db, transaction);
        var held = FindCte(plan, "held") ?? throw new InvalidOperationException($"no CTE held in the plan: {plan}");
        var blocks = SharedBlocks(held);

        // The failed rows' index is a page or two; reading the backlog's index and rows to filter them is hundreds.
        Assert.True(blocks < 20, $"the held keys read {blocks} pages with {Backlog} unsent messages: {held}");
        await transaction.RollbackAsync();
    }

    private static string Insert(string sentAt) => $$"""
        INSERT INTO outbox_messages (message_id, topic, message_key, event_type, payload, sent_at)
        SELECT gen_random_uuid(), 'onegate.test.backlog', 'test-backlog-' || (n % 50), 'test', '{}'::jsonb, {{sentAt}} FROM generate_series(1, $1) AS n
        """;

    private static async Task ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction transaction, string sql, int? rows = null)
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
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + OutboxQueries.DueSql("payment\".\"outbox_messages", "$1", "$2"),
            db, transaction)
        {
            Parameters = { new() { Value = DateTimeOffset.UtcNow }, new() { Value = 200 } },
        };
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
