using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>Per-key limits enforced in Redis: exact counts, headers, Retry-After, access logs of every outcome.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class RegulatorRateLimitTests(OneGateAppFixture fixture)
{
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task The_sixth_request_of_a_5_per_minute_key_is_429_with_Retry_After_and_headers_count_down()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, more: ["--per-minute", "5", "--per-hour", "50"]);
        await AwayFromMinuteBoundaryAsync();

        var remaining = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(5, RegulatorClient.Header(ok, "RateLimit-Limit"));
            Assert.InRange(RegulatorClient.Header(ok, "RateLimit-Reset"), 1, 60);
            remaining.Add(RegulatorClient.Header(ok, "RateLimit-Remaining"));
        }

        Assert.Equal(new[] { 4, 3, 2, 1, 0 }, remaining);

        using var limited = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(0, RegulatorClient.Header(limited, "RateLimit-Remaining"));
        Assert.Equal(5, RegulatorClient.Header(limited, "RateLimit-Limit"));
    }

    [Fact]
    public async Task Concurrent_requests_get_exactly_the_limit_through()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, more: ["--per-minute", "7"]);
        await AwayFromMinuteBoundaryAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => regulator.GetAsync(RegulatorClient.ReportPath, key.Secret)));

        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(18, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses, r => Assert.True(r.Headers.Contains("RateLimit-Reset")));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task The_101st_request_in_a_minute_is_429_with_both_replicas_serving()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, service: "BANK_INDONESIA", more: ["--per-minute", "100", "--per-hour", "1000", "--per-day", "10000"]);
        await AwayFromMinuteBoundaryAsync();

        // Ten clients, a new connection per request, so the requests spread over both replicas.
        var served = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, string Instance)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (_, _) =>
        {
            using var response = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret, newConnection: true);
            served.Add((response.StatusCode, RegulatorClient.ServedBy(response)));
        });

        Assert.All(served, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        var instances = served.GroupBy(s => s.Instance).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(instances.Count == 2, $"expected both replicas to serve, got {string.Join(", ", instances)}");

        // The 101st, and every one after it within the minute, is refused whichever replica answers.
        var refusedBy = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            using var limited = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret, newConnection: true);
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            refusedBy.Add(RegulatorClient.ServedBy(limited));
        }

        Assert.Equal(2, refusedBy.Count);
    }

    [Fact]
    public async Task Allowed_refused_and_limited_requests_are_written_to_the_access_log()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, permissions: "READ_REPORTS", more: ["--per-minute", "2"]);
        await AwayFromMinuteBoundaryAsync();

        (await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret)).Dispose();          // 200
        (await regulator.GetAsync(RegulatorClient.TransactionsPath, key.Secret)).Dispose();    // 403
        (await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret)).Dispose();          // 429

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30); // rows wait up to AccessLogMaxDelay (5 s in tests) for their batch
        List<(int Status, string Endpoint, string Method, string? UserAgent, string Ip, int? Service)> rows;
        do
        {
            await Task.Delay(300);
            rows = await AccessLogAsync(key.Id);
        }
        while (rows.Count < 3 && DateTimeOffset.UtcNow < deadline);

        Assert.Equal(new[] { 200, 403, 429 }, rows.Select(r => r.Status).Order());
        Assert.Contains(rows, r => r.Status == 403 && r.Endpoint == RegulatorClient.TransactionsPath);
        Assert.All(rows, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("OneGateRegulatorTests/1.0", r.UserAgent);
            Assert.False(string.IsNullOrEmpty(r.Ip));
            Assert.NotNull(r.Service);
        });
    }

    /// <summary>Fixed windows: start a counting test at least 12 s before the minute turns.</summary>
    private static async Task AwayFromMinuteBoundaryAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 48)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }

    private async Task<List<(int, string, string, string?, string, int?)>> AccessLogAsync(Guid keyId)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT status_code, endpoint, method, user_agent, ip_address, external_service_id FROM api_access_logs WHERE api_key_id = @id", db);
        query.Parameters.AddWithValue("id", keyId);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<(int, string, string, string?, string, int?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5)));
        }

        return rows;
    }
}
