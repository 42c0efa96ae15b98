using Npgsql;
using OneGate.Tests.Regulators;

namespace OneGate.Tests.Gateway;

/// <summary>
/// In Local mode there is no gateway, so nothing a client sends can change the IP a service records. Checked through
/// the regulator access log of the running Transaction service.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class ForwardedHeadersThroughTheAppTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task A_client_cannot_set_the_ip_of_the_regulator_access_log_with_proxy_headers()
    {
        var key = await RegulatorKeys.CreateAsync(fixture);
        using var client = fixture.CreateClient("transaction");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(RegulatorClient.ReportPath, UriKind.Relative));
        request.Headers.Add("X-API-Key", key.Secret);
        request.Headers.Add("X-Real-IP", "203.0.113.7");
        request.Headers.Add("X-Forwarded-For", "203.0.113.8");
        request.Headers.Add("Forwarded", "for=203.0.113.9");
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        var ip = await LoggedIpAsync(key.Id);

        Assert.True(ip is "127.0.0.1" or "::1" or "::ffff:127.0.0.1", $"access log recorded {ip}");
    }

    private async Task<string?> LoggedIpAsync(Guid keyId)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT ip_address FROM api_access_logs WHERE api_key_id = @id", db);
        query.Parameters.AddWithValue("id", keyId);
        // The log is written off the request path, in batches.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        string? ip;
        while ((ip = await query.ExecuteScalarAsync() as string) is null && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(300);
        }

        return ip;
    }
}
