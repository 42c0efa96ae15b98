using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Access-log rows still queued when the service stops gracefully (Aspire's stop command: SIGTERM to every
/// replica) are written before the processes exit. The test fixture makes rows wait up to 5 s for their batch,
/// so at the stop they are provably still in memory.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class AccessLogDrainTests(OneGateAppFixture fixture)
{
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task Rows_queued_at_a_graceful_stop_of_both_replicas_are_all_written()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, more: ["--per-minute", "1000"]);
        var instances = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret, newConnection: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            instances.Add(RegulatorClient.ServedBy(response));
        }

        Assert.Equal(2, instances.Count);
        Assert.True(await CountAsync(key.Id) == 0, "rows were written before the stop: the test cannot tell a drain from a normal write");

        await fixture.StopAsync("transaction");
        try
        {
            Assert.Equal(20, await CountAsync(key.Id));
        }
        finally
        {
            await fixture.StartAsync("transaction");
        }

        using var after = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private async Task<long> CountAsync(Guid keyId)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM api_access_logs WHERE api_key_id = @id", db);
        count.Parameters.AddWithValue("id", keyId);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
