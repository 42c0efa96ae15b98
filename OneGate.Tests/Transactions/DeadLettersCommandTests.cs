using Confluent.Kafka;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Transactions;

/// <summary>The <c>dead-letters</c> command of the Transaction binary: a dead letter is listed, and replaying it sends it through the consumer again.</summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class DeadLettersCommandTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task A_replayed_dead_letter_goes_through_the_consumer_again()
    {
        // Poison: replayed, the consumer sets it aside again, which shows it travelled through Kafka and the consumer.
        var poison = "{\"not an event\": \"" + Guid.NewGuid() + "\"}";
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = await fixture.App.GetConnectionStringAsync("kafka") }).Build())
        {
            await producer.ProduceAsync(KafkaEvents.Topic, new Message<string, string> { Key = "dead-letters-test", Value = poison });
        }

        var first = await DeadLetterWithinAsync(poison, after: 0);
        var (listed, list, _) = await RegulatorKeys.RunCommandAsync(fixture, ["dead-letters", "list"]);
        Assert.Equal(0, listed);
        Assert.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), list, StringComparison.Ordinal);

        var (replayed, output, error) = await RegulatorKeys.RunCommandAsync(fixture, ["dead-letters", "replay", first.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(replayed == 0, $"replay exited {replayed}: {output} {error}");
        Assert.True(await DeadLetterWithinAsync(poison, after: first) > first);
        await using var db = await OpenAsync();
        await using var gone = new NpgsqlCommand("SELECT count(*) FROM dead_letter_events WHERE id = $1", db) { Parameters = { new() { Value = first } } };
        Assert.Equal(0L, (long)(await gone.ExecuteScalarAsync())!);
        // Recorded in Transaction's trail as the command's (SYSTEM): no operator token.
        var row = Assert.Single(await Audit.AuditRow.ReadFromAsync(fixture, "transaction.audit_events", "target_type = 'dead_letter' AND target_id = $1",
            first.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("dead_letter.replay", "SYSTEM", "dead-letters command"), (row.Action, row.ActorType, row.Fields[4]));
    }

    [Theory]
    [InlineData("dead-letters")]
    [InlineData("dead-letters", "replay")]
    [InlineData("dead-letters", "replay", "not-an-id")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await RegulatorKeys.RunCommandAsync(fixture, args);

        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    /// <summary>The id of the dead letter holding this payload with an id above <paramref name="after"/>, once there is one.</summary>
    private async Task<long> DeadLetterWithinAsync(string payload, long after)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await OpenAsync();
            await using var find = new NpgsqlCommand("SELECT max(id) FROM dead_letter_events WHERE payload = $1 AND id > $2", db)
            {
                Parameters = { new() { Value = payload }, new() { Value = after } },
            };
            if (await find.ExecuteScalarAsync() is long id)
            {
                return id;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "no dead letter with the payload");
            await Task.Delay(300);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }
}
