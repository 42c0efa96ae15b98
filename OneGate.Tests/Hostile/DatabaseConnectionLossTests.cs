using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Hostile;

/// <summary>
/// When Postgres drops the services' connections (a restart, a failover, an operator terminating sessions), the
/// requests that hit a dead pooled connection are a dependency outage — 503 SERVICE_UNAVAILABLE with Retry-After,
/// which clients retry — never a 500 that reads as a bug; and the services recover on their own.
/// It runs on an app of its own: Npgsql keeps the other dead sessions in the services' pools until each is next
/// used (one more 503 apiece, whenever that is), which other tests on a shared app would read as failures.
/// </summary>
[Collection(DatabaseConnectionLossCollection.Name)]
public sealed class DatabaseConnectionLossTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Terminated_database_sessions_answer_503_then_recover()
    {
        using var auth = fixture.CreateClient("auth");
        using var payment = fixture.CreateClient("payment");
        using var transaction = fixture.CreateClient("transaction");
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        (HttpClient Client, string Path)[] reads =
        [
            (payment, "/api/payments/balance"),
            (transaction, "/api/transactions"),
            (transaction, "/api/transactions/summary"),
        ];

        for (var round = 0; round < 3; round++)
        {
            // Fill the pools (both Transaction replicas, several connections each), then cut every session.
            await Task.WhenAll(reads.SelectMany(r => Enumerable.Range(0, 4).Select(async _ =>
            {
                using var warm = await r.Client.SendAsync(user.Authorized(HttpMethod.Get, r.Path));
                Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            })));
            var terminated = await TerminateServiceSessionsAsync();
            Assert.True(terminated > 0, "no service session was open to terminate");

            foreach (var (client, path) in reads)
            {
                var answers = new List<HttpStatusCode>();
                for (var attempt = 0; attempt < 20 && answers.LastOrDefault() != HttpStatusCode.OK; attempt++)
                {
                    using var response = await client.SendAsync(user.Authorized(HttpMethod.Get, path));
                    answers.Add(response.StatusCode);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                        Assert.True(response.Headers.RetryAfter is not null, $"{path}: 503 without Retry-After");
                    }
                }

                Assert.True(answers[^1] == HttpStatusCode.OK, $"{path} did not recover: {string.Join(", ", answers)}");
            }
        }
    }

    private async Task<int> TerminateServiceSessionsAsync()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var terminate = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND application_name <> @tests
            """, db);
        // Only the services' sessions: this test process's own pooled sessions stay usable.
        terminate.Parameters.AddWithValue("tests", OneGateAppFixture.TestSessionName);
        return (int)(await terminate.ExecuteScalarAsync())!;
    }
}

/// <summary>A separate app for <see cref="DatabaseConnectionLossTests"/>, run alone like the chaos run (two apps at once starve 2 cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseConnectionLossCollection : ICollectionFixture<OneGateAppFixture>
{
    public const string Name = "Database connection loss";
}
