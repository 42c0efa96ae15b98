using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Tests.Support;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.AccessLogs;
using Xunit.Abstractions;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Every request that names a known key is in <c>api_access_logs</c> exactly once, whatever happens to the writer's
/// database session: cut before its INSERT, between the INSERT and the rest of its transaction, or at the commit.
/// Each request carries a User-Agent of its own, which its row records, so a row is matched to its request.
/// </summary>
[Collection(FaultsAppCollection.Name)]
public sealed class AccessLogFaultTests(FaultsApp fixture, ITestOutputHelper output)
{
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Every_request_naming_a_known_key_is_logged_exactly_once_while_the_services_database_sessions_are_cut()
    {
        IssuedKey[] keys = [await CreateKeyAsync(), await CreateKeyAsync()];
        using var stop = new CancellationTokenSource();
        var known = keys.SelectMany((key, k) => Enumerable.Range(0, 3).Select(w => SendUntilAsync(key.Secret, $"known{k}.{w}", stop.Token))).ToList();
        var strangers = SendUntilAsync("og_live_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()), "unknown", stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(1));
        var terminated = 0;
        var until = DateTimeOffset.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow < until)
        {
            terminated += await TerminateTransactionSessionsAsync();
            await Task.Delay(150);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // traffic on fresh sessions, so both replicas have met their dead ones
        await stop.CancelAsync();
        var answers = (await Task.WhenAll(known)).SelectMany(a => a).ToList();
        var refused = await strangers;
        output.WriteLine($"{terminated} sessions terminated; known-key answers: " +
            string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{(int)g.Key}×{g.Count()}")));
        Assert.True(terminated > 0, "no Transaction session was terminated");
        Assert.All(refused, a => Assert.True(a.Status is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, $"{a.Agent}: {a.Status}"));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{a.Agent}: {a.Status}"));
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.OK) >= 50, "too few requests were served to tell anything");

        // A 503 may come before the key was read (its session was dead): it named no key the service could know.
        var served = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Agent).ToList();
        var logged = await AllLoggedAsync(served);
        Assert.Empty(logged.Where(l => l.Value != 1).Select(l => $"{l.Key} ×{l.Value}"));
        Assert.DoesNotContain(logged.Keys, agent => agent.Contains("-unknown-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_lost_after_the_insert_neither_doubles_the_batch_nor_stalls_the_writer()
    {
        var key = await CreateKeyAsync();
        var agents = new List<string>();
        await using var db = await OpenAsync();
        var terminated = 0;
        await using (var hold = await db.BeginTransactionAsync())
        {
            // The writer's INSERT goes through (its foreign-key check takes KEY SHARE, which this lock allows); its
            // update of the key's last_used_at then waits for this row lock.
            await using (var lockKey = new NpgsqlCommand("SELECT 1 FROM api_keys WHERE id = @id FOR NO KEY UPDATE", db, hold))
            {
                lockKey.Parameters.AddWithValue("id", key.Id);
                await lockKey.ExecuteScalarAsync();
            }

            agents.AddRange(await SendAsync(key.Secret, "before", 8));
            await using var cut = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))",
                db, hold);
            await Eventually.HoldsAsync(async () => (terminated += (int)(await cut.ExecuteScalarAsync())!) > 0, TimeSpan.FromSeconds(20),
                "no writer waited for the key's row");

            // The other replica's batch waits up to 5 s to fill: cut whatever queues for the row meanwhile.
            var until = DateTimeOffset.UtcNow.AddSeconds(7);
            while (DateTimeOffset.UtcNow < until)
            {
                terminated += (int)(await cut.ExecuteScalarAsync())!;
                await Task.Delay(100);
            }

            await hold.RollbackAsync();
        }

        agents.AddRange(await SendAsync(key.Secret, "after", 8));
        output.WriteLine($"{terminated} writer sessions terminated after their INSERT");
        var logged = await AllLoggedAsync(agents);
        Assert.Empty(logged.Where(l => l.Value != 1).Select(l => $"{l.Key} ×{l.Value}"));
    }

    [Fact]
    public async Task A_full_access_log_queue_refuses_regulator_requests_instead_of_serving_them_unlogged()
    {
        var key = await CreateKeyAsync();
        var answers = new List<Answer>();
        var refusedBy = new HashSet<string>();
        await using var db = await OpenAsync();
        await using (var hold = await db.BeginTransactionAsync())
        {
            // Every write of the log waits: the queues fill.
            await using (var lockLog = new NpgsqlCommand("LOCK TABLE api_access_logs IN ACCESS EXCLUSIVE MODE", db, hold))
            {
                await lockLog.ExecuteNonQueryAsync();
            }

            for (var i = 0; refusedBy.Count < 2 && i < 4 * FaultsApp.QueueCapacity; i++)
            {
                var agent = Agent("full", i);
                using var response = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret, newConnection: true, userAgent: agent);
                answers.Add(new Answer(agent, response.StatusCode));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                    Assert.NotNull(response.Headers.RetryAfter);
                    refusedBy.Add(RegulatorClient.ServedBy(response));
                }
            }

            await hold.RollbackAsync();
        }

        var served = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Agent).ToList();
        output.WriteLine($"{served.Count} served, {answers.Count - served.Count} refused while the log was locked");
        Assert.Equal(2, refusedBy.Count);
        Assert.True(served.Count <= 2 * FaultsApp.QueueCapacity, $"{served.Count} requests served while at most {FaultsApp.QueueCapacity} per replica could be queued");

        var logged = await AllLoggedAsync(served);
        Assert.Empty(logged.Where(l => l.Value != 1).Select(l => $"{l.Key} ×{l.Value}"));
        Assert.Equal(served.Count, logged.Count); // the refused requests were not served, and not logged as served either
        using var after = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret, newConnection: true);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_batch_written_again_after_an_unacknowledged_commit_adds_nothing()
    {
        var key = await CreateKeyAsync();
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, 3).Select(i => Row(key.Id, Agent("again", i), now)).ToList();
        rows.Add(Row(Guid.NewGuid(), Agent("deleted-key", 0), now)); // a key deleted since the request: kept, without it
        var options = new DbContextOptionsBuilder<TransactionDbContext>()
            .UseNpgsql(await fixture.DatabaseConnectionStringAsync(), TransactionDbContext.ConfigureNpgsql).Options;

        // The first write committed; its acknowledgement was lost, so the writer makes the same write again.
        await using (var first = new TransactionDbContext(options))
        {
            Assert.Equal(4, await AccessLogWriter.WriteBatchAsync(first, rows, CancellationToken.None));
        }

        await using (var again = new TransactionDbContext(options))
        {
            Assert.Equal(0, await AccessLogWriter.WriteBatchAsync(again, rows, CancellationToken.None));
        }

        var logged = await LoggedAsync();
        Assert.Equal(rows.Select(r => r.UserAgent!).Order(), logged.Keys.Order());
        Assert.All(logged, l => Assert.Equal(1, l.Value));
        await using var db = await OpenAsync();
        await using var lastUsed = new NpgsqlCommand("SELECT last_used_at FROM api_keys WHERE id = @id", db);
        lastUsed.Parameters.AddWithValue("id", key.Id);
        Assert.Equal(now.UtcTicks / 10, ((DateTime)(await lastUsed.ExecuteScalarAsync())!).Ticks / 10);
    }

    private static ApiAccessLog Row(Guid keyId, string agent, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        ApiKeyId = keyId,
        Endpoint = "/api/external/reports/daily",
        Method = "GET",
        IpAddress = "127.0.0.1",
        UserAgent = agent,
        StatusCode = 200,
        ResponseTimeMs = 1,
        CreatedAt = at,
    };

    private sealed record Answer(string Agent, HttpStatusCode Status);

    private string Agent(string tag, int i) => $"{RegulatorClient.UserAgent} {run}-{tag}-{i}";

    private Task<IssuedKey> CreateKeyAsync() =>
        RegulatorKeys.CreateAsync(fixture, more: ["--per-minute", "100000", "--per-hour", "1000000", "--per-day", "1000000"]);

    /// <summary>Requests with a distinct User-Agent each, on new connections (both replicas), a pause between.</summary>
    private async Task<List<Answer>> SendUntilAsync(string secret, string tag, CancellationToken stop)
    {
        var answers = new List<Answer>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var agent = Agent(tag, i);
            using var response = await regulator.GetAsync(RegulatorClient.ReportPath, secret, newConnection: true, userAgent: agent);
            answers.Add(new Answer(agent, response.StatusCode));
            await Task.Delay(20, CancellationToken.None);
        }

        return answers;
    }

    /// <summary>
    /// Gets <paramref name="count"/> requests served (a 503, e.g. Redis briefly unavailable to the rate limiter, is
    /// sent again under a new User-Agent); returns the User-Agents of those served.
    /// </summary>
    private async Task<List<string>> SendAsync(string secret, string tag, int count)
    {
        var agents = new List<string>();
        for (var i = 0; agents.Count < count && i < 3 * count; i++)
        {
            var agent = Agent(tag, i);
            using var response = await regulator.GetAsync(RegulatorClient.ReportPath, secret, newConnection: true, userAgent: agent);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                continue;
            }

            agents.Add(agent);
        }

        Assert.Equal(count, agents.Count);
        return agents;
    }

    /// <summary>
    /// Waits until every one of <paramref name="agents"/> has its row, then a little longer (a doubled batch would
    /// land after its first copy); returns the rows per User-Agent of this test's run.
    /// </summary>
    private async Task<Dictionary<string, int>> AllLoggedAsync(IReadOnlyCollection<string> agents)
    {
        var logged = new Dictionary<string, int>();
        await Eventually.HoldsAsync(async () => agents.All((logged = await LoggedAsync()).ContainsKey), TimeSpan.FromSeconds(60),
            () => $"{agents.Count(a => !logged.ContainsKey(a))} of {agents.Count} served requests not logged, e.g. {agents.FirstOrDefault(a => !logged.ContainsKey(a))}");
        await Task.Delay(TimeSpan.FromSeconds(6));
        return await LoggedAsync();
    }

    private async Task<Dictionary<string, int>> LoggedAsync()
    {
        await using var db = await OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT user_agent, count(*)::int FROM api_access_logs WHERE user_agent LIKE @run GROUP BY user_agent", db);
        query.Parameters.AddWithValue("run", $"{RegulatorClient.UserAgent} {run}-%");
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt32(1);
        }

        return rows;
    }

    /// <summary>Terminates every session of both Transaction replicas (named by their application_name).</summary>
    private async Task<int> TerminateTransactionSessionsAsync()
    {
        await using var db = await OpenAsync();
        await using var terminate = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = @app", db);
        terminate.Parameters.AddWithValue("app", TransactionDbContext.ApplicationName);
        return (int)(await terminate.ExecuteScalarAsync())!;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }
}
