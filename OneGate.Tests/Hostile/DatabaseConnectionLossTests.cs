using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Hostile;

/// <summary>
/// When Postgres drops the services' connections (a restart, a failover, an operator terminating sessions), the
/// request that hits a dead pooled connection is a dependency outage — 503 SERVICE_UNAVAILABLE with Retry-After,
/// which clients retry — never a 500 that reads as a bug. Npgsql clears the whole pool when a session breaks this way,
/// so the instance's other dead sessions cost nothing: every instance answers at most one 503 however many of its
/// sessions died. It runs on an app of its own: the sessions it terminates would fail other tests' requests.
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
        (HttpClient Client, string Path, string Service)[] reads =
        [
            (payment, "/api/payments/balance", "payment"),
            (transaction, "/api/transactions", "transaction"),
            (transaction, "/api/transactions/summary", "transaction"),
        ];
        var instances = new Dictionary<string, int> { ["payment"] = 1, ["transaction"] = fixture.Replicas("transaction") };

        var log = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            // Fill the pools (both Transaction replicas, several sessions each), then cut every session.
            await Task.WhenAll(reads.SelectMany(r => Enumerable.Range(0, 16).Select(async _ =>
            {
                using var warm = await r.Client.SendAsync(user.Authorized(HttpMethod.Get, r.Path));
                Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            })));
            var terminated = await TerminateServiceSessionsAsync();
            Assert.True(terminated > 0, "no service session was open to terminate");

            var unavailable = instances.Keys.ToDictionary(service => service, _ => 0);
            foreach (var (client, path, service) in reads)
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
                unavailable[service] += answers.Count(a => a != HttpStatusCode.OK);
                log.Add($"r{round} {path}: {string.Join(",", answers.Select(a => (int)a))} (terminated {terminated})");
            }

            // Were dead idle sessions kept in a pool, each of the warmed-up sessions would cost a 503 of its own.
            foreach (var (service, count) in unavailable)
            {
                Assert.True(count <= instances[service], $"{service} answered {count} 503s with {instances[service]} instance(s):\n{string.Join("\n", log)}");
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
