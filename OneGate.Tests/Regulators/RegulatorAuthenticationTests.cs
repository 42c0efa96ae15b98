using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>X-API-Key on /api/external: unknown, missing, revoked, expired keys and permissions.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class RegulatorAuthenticationTests(OneGateAppFixture fixture)
{
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Theory]
    [InlineData(RegulatorClient.TransactionsPath)]
    [InlineData("/api/external/reports/daily?date=2026-11-24")]
    [InlineData("/api/external/transactions?limit=nope&limit=2&cursor=%00")] // the key is checked before the query
    public async Task Missing_or_unknown_key_is_401_INVALID_API_KEY(string path)
    {
        using var missing = await regulator.GetAsync(path, null);
        await ProblemAssert.IsProblem(missing, HttpStatusCode.Unauthorized, "INVALID_API_KEY");

        using var unknown = await regulator.GetAsync(path, "og_live_" + new string('x', 43));
        await ProblemAssert.IsProblem(unknown, HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task The_seeded_development_keys_are_accepted_with_their_seed_limits()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var (parameter, minuteLimit) in new[] { ("regulator-bi-api-key", 100), ("regulator-ojk-api-key", 200) })
        {
            var key = await model.Resources.OfType<ParameterResource>().Single(r => r.Name == parameter).GetValueAsync(default);

            using var response = await regulator.GetAsync(RegulatorClient.ReportPath, key);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(minuteLimit, RegulatorClient.Header(response, "RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task Key_without_the_permission_is_403_INSUFFICIENT_PERMISSION()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, permissions: "READ_REPORTS");

        using var refused = await regulator.GetAsync(RegulatorClient.TransactionsPath, key.Secret);
        await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSION");
        Assert.True(refused.Headers.Contains("RateLimit-Remaining"));

        using var allowed = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Revoked_key_is_401_on_the_very_next_request()
    {
        var key = await RegulatorKeys.CreateAsync(fixture);
        using var before = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var (exit, output, error) = await RegulatorKeys.RunAsync(fixture, "revoke", key.Prefix);
        Assert.True(exit == 0, output + error);

        using var after = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        await ProblemAssert.IsProblem(after, HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task Expired_key_is_401()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, more: ["--expires-in-days", "30"]);
        using var before = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        // Time travel: the command only issues keys that expire in the future.
        await using (var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync()))
        {
            await db.OpenAsync();
            await using var expire = new NpgsqlCommand("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = @id", db);
            expire.Parameters.AddWithValue("id", key.Id);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync());
        }

        using var after = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
        await ProblemAssert.IsProblem(after, HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task Rotation_issues_a_working_key_and_without_grace_revokes_the_old_one()
    {
        var old = await RegulatorKeys.CreateAsync(fixture);

        var (exit, output, error) = await RegulatorKeys.RunAsync(fixture, "rotate", old.Id.ToString(), "--grace-hours", "0");
        Assert.True(exit == 0, output + error);
        var secret = output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("og_live_", StringComparison.Ordinal));

        using var withNew = await regulator.GetAsync(RegulatorClient.ReportPath, secret);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        using var withOld = await regulator.GetAsync(RegulatorClient.ReportPath, old.Secret);
        await ProblemAssert.IsProblem(withOld, HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task OpenApi_documents_the_regulator_endpoints_and_the_key_scheme()
    {
        using var client = fixture.CreateClient("transaction");

        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("/api/external/transactions", document, StringComparison.Ordinal);
        Assert.Contains("/api/external/reports/daily", document, StringComparison.Ordinal);
        Assert.Contains("\"X-API-Key\"", document, StringComparison.Ordinal);
        Assert.Contains("RegulatorApiKey", document, StringComparison.Ordinal);
        Assert.Contains("\"cursor\"", document, StringComparison.Ordinal);
    }
}
