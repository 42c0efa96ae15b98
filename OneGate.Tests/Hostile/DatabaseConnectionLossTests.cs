using System.Net;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Hostile;

/// <summary>
/// When Postgres drops the services' connections (a restart, a failover, an operator terminating sessions), the
/// request that hits a dead pooled connection is a dependency outage — 503 SERVICE_UNAVAILABLE with Retry-After,
/// which clients retry — never a 500 that reads as a bug. Npgsql clears the whole pool when a session breaks this way,
/// so an instance's other dead sessions cost nothing more: Payment answers one 503 per cut however many of its
/// sessions died. It runs on the app of the other tests that cut sessions (<see cref="FaultsApp"/>): the
/// sessions it terminates would fail other tests' requests.
/// </summary>
[Collection(FaultsAppCollection.Name)]
public sealed class DatabaseConnectionLossTests(FaultsApp fixture)
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

        const int Rounds = 3, WarmReads = 16;
        var paymentUnavailable = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Fill the pools (both Transaction replicas, several sessions each), then cut every session. A worker that
            // held a session across the previous cut (the outbox relay keeps one between polls) finds it dead later,
            // and that clears its pool again, closing the sessions just warmed up: then warm up again. A Transaction
            // replica the previous round's reads never reached (the proxy keeps a client connection on one replica)
            // meets its dead sessions here, several requests at once: those answer 503 too and are read again.
            var terminated = 0;
            for (var attempt = 0; attempt < 5 && terminated == 0; attempt++)
            {
                var warmed = await Task.WhenAll(reads.SelectMany(r => Enumerable.Range(0, WarmReads).Select(_ => ReadUntilOkAsync(r.Client, r.Path))));
                paymentUnavailable += warmed.Take(WarmReads).Sum(); // reads[0] is Payment's
                terminated = await TerminateServiceSessionsAsync();
            }

            Assert.True(terminated > 0, "no service session was open to terminate");
            foreach (var (client, path) in reads)
            {
                var unavailable = await ReadUntilOkAsync(client, path);
                paymentUnavailable += client == payment ? unavailable : 0;
            }
        }

        // Npgsql clears a pool when one of its sessions breaks this way: however many sessions Payment had warmed up,
        // each cut costs its one instance one 503 (read one at a time after the cut). Were dead idle sessions kept, each
        // would cost a 503 of its own.
        Assert.True(paymentUnavailable <= Rounds, $"Payment answered {paymentUnavailable} 503s for {Rounds} cuts");

        // Reads until 200: every other answer is the 503 problem with Retry-After. Returns how many 503s it took.
        async Task<int> ReadUntilOkAsync(HttpClient client, string path)
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
            return answers.Count - 1;
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
