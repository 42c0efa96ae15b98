using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// Transfers through the API — uniform (random pairs of 512 funded users) and hot (everyone pays one
/// merchant account) — and, in the same run, the same transfer as raw SQL through pgbench on the same
/// database and accounts: the writes the API commits (accounts opened if new, two conditional balance updates
/// in a fixed order, two history rows, two outbox events, the stored idempotent answer) in one transaction,
/// and for reference the balances and history rows alone.
/// </summary>
public static class TransferBenchmark
{
    // Uniform pairs should rarely wait on each other's row locks (a real wallet has millions of accounts); the
    // hot-account row is the contended case. With 32 transfers in flight holding two locks each, a transfer among
    // 128 accounts had up to a 3 in 4 chance of meeting a locked row (pgbench's p99 was 66-84 ms); among 512, under 1 in 4.
    private const int Users = 512;

    private static readonly double[] OfferedShares = [0.25, 0.5, 0.75];

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var auth = new HttpClient { BaseAddress = options.Auth };
        using var payment = new HttpClient { BaseAddress = options.Payment };
        var duration = TimeSpan.FromSeconds(options.Seconds);

        Console.Error.WriteLine($"setting up {Users} funded users and a merchant...");
        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => NewUserAsync(auth, payment, fund: true)));
        var merchant = await NewUserAsync(auth, payment, fund: false);

        Console.WriteLine($"# OneGate transfer benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {options.Seconds} s per row, {options.Concurrency} clients");
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        Task<bool> RandomPair()
        {
            var from = users[Random.Shared.Next(Users)];
            var to = users[(Array.IndexOf(users, from) + 1 + Random.Shared.Next(Users - 1)) % Users];
            return TransferAsync(payment, from, to.Username);
        }

        // Each row starts once the events the previous row left are applied: otherwise the consumer working off
        // that backlog competes for the cores (and pgbench, last, would be slowed by the API's leftovers).
        var backlogs = new List<string>();
        async Task DrainAsync(string leftBy)
        {
            if (options.Postgres is { } postgres && await EventLagBenchmark.DrainAsync(postgres, leftBy) is { } line)
            {
                backlogs.Add(line);
            }
        }

        await LoadRun.WarmUpAsync(options.Concurrency, TimeSpan.FromSeconds(3), RandomPair);
        await DrainAsync("the setup (funding top-ups and the warm-up)");
        var uniform = await LoadRun.RunAsync("API transfer, uniform accounts", options.Concurrency, duration, RandomPair);
        Console.WriteLine(uniform);
        await DrainAsync("the uniform row");

        // The closed loop above measures saturation (32 clients always waiting); an operator plans with the latency
        // at a load the machine is not saturated by. The same transfers offered at a fixed rate, a fraction of the
        // saturated rate, through at most the same 32 connections, each after the previous row's events are applied.
        var failures = uniform.Failures;
        foreach (var share in OfferedShares)
        {
            var rate = Math.Round(uniform.PerSecond * share / 10) * 10;
            var name = string.Create(CultureInfo.InvariantCulture, $"API transfer, uniform, {rate:F0}/s offered ({share:P0} of the above)");
            var offered = await LoadRun.RunAtRateAsync(name, rate, options.Concurrency, duration, RandomPair);
            Console.WriteLine(offered);
            failures += offered.Failures;
            await DrainAsync($"\"{name}\"");
        }

        var hot = await LoadRun.RunAsync("API transfer, hot merchant account", options.Concurrency, duration, () =>
            TransferAsync(payment, users[Random.Shared.Next(Users)], merchant.Username));
        Console.WriteLine(hot);
        await DrainAsync("the hot-account row");

        if (options.Postgres is { } postgres)
        {
            var (raw, balancesOnly) = await PgbenchAsync(postgres, users, options);
            Console.WriteLine(raw.Row);
            Console.WriteLine(balancesOnly.Row);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"API / raw SQL with the API's writes (uniform): {uniform.PerSecond / raw.PerSecond * 100:F0} %; API / balances + history only: {uniform.PerSecond / balancesOnly.PerSecond * 100:F0} %."));
        }

        foreach (var line in backlogs)
        {
            Console.WriteLine();
            Console.WriteLine(line);
        }

        return failures + hot.Failures == 0 ? 0 : 1;
    }

    internal sealed record User(string Username, string AccessToken, int Id);

    internal static async Task<User> NewUserAsync(HttpClient auth, HttpClient payment, bool fund)
    {
        var id = Guid.NewGuid().ToString("N");
        var phone = "0815" + string.Concat(id.Select(c => (char)('0' + (c % 10))))[..8];
        var username = "bench_" + id[..12];
        using var registered = await auth.PostAsJsonAsync("/api/auth/register", new { username, email = id[..12] + "@bench.example", phone, password = "benchmark password" });
        registered.EnsureSuccessStatusCode();
        var userId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var login = await auth.PostAsJsonAsync("/api/auth/login", new { username, password = "benchmark password" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var user = new User(username, token, userId);
        if (fund)
        {
            using var topUp = Request(HttpMethod.Post, "/api/payments/topup", user, new { amount = 5_000_000m, paymentMethod = "GOPAY" });
            (await payment.SendAsync(topUp)).EnsureSuccessStatusCode();
        }

        return user;
    }

    internal static async Task<bool> TransferAsync(HttpClient payment, User from, string to)
    {
        using var request = Request(HttpMethod.Post, "/api/payments/transfer", from, new { toUsername = to, amount = 1.00m });
        using var response = await payment.SendAsync(request);
        return response.StatusCode == System.Net.HttpStatusCode.Created;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, User user, object body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>The API's writes for one transfer, as raw SQL (pgbench script; :a and :b are bench_accounts rows).</summary>
    private const string SameWritesScript = """
        BEGIN;
        INSERT INTO accounts (user_id) SELECT user_id FROM bench_accounts WHERE n IN (:a, :b) ORDER BY user_id ON CONFLICT (user_id) DO NOTHING;
        UPDATE accounts SET balance = balance + CASE WHEN n = :a THEN -1.00 ELSE 1.00 END, ledger_sequence = ledger_sequence + 1, updated_at = now()
          FROM (SELECT n, id FROM bench_accounts WHERE n IN (:a, :b) ORDER BY user_id) AS pair
         WHERE accounts.id = pair.id AND accounts.status = 'ACTIVE' AND (pair.n = :b OR accounts.balance >= 1.00);
        WITH history AS (
            INSERT INTO historical_transactions (transaction_id, account_id, user_id, type, status, direction, amount, balance_before, balance_after, currency, description, transfer_reference, ledger_sequence, created_at, updated_at)
            SELECT 'BENCH-' || gen_random_uuid(), a.id, a.user_id, 'TRANSFER', 'SUCCESS', CASE WHEN b.n = :a THEN 'DEBIT' ELSE 'CREDIT' END::transaction_direction, 1.00,
                   a.balance + CASE WHEN b.n = :a THEN 1.00 ELSE -1.00 END, a.balance, 'IDR', 'Transfer', 'BENCH-' || txid_current(), a.ledger_sequence, now(), now()
              FROM accounts a JOIN bench_accounts b ON b.id = a.id WHERE b.n IN (:a, :b)
            RETURNING *),
        events AS (
            -- Written as already sent, to a topic of their own: the relay must not publish benchmark rows and the
            -- lag suite must not wait for them.
            INSERT INTO outbox_messages (message_id, topic, message_key, event_type, payload, created_at, sent_at)
            SELECT gen_random_uuid(), 'onegate.bench.raw-sql', h.account_id::text, 'transaction.committed',
                   jsonb_build_object('eventId', gen_random_uuid(), 'eventType', 'transaction.committed', 'version', 1, 'occurredAt', now(), 'transaction', to_jsonb(h)), now(), now()
              FROM history h)
        INSERT INTO idempotency_keys (user_id, idempotency_key, request_method, request_path, request_hash, status, response_status, response_content_type, response_body, transaction_id, created_at, completed_at, expires_at)
        SELECT h.user_id, 'bench-' || gen_random_uuid(), 'POST', '/api/payments/transfer', md5(random()::text) || md5(random()::text), 'COMPLETED', 201,
               'application/json', to_jsonb(h)::text, h.transaction_id, now(), now(), now() + interval '1 day'
          FROM history h WHERE h.direction = 'DEBIT';
        COMMIT;
        """;

    /// <summary>Only the balances and history rows (the script earlier reports compared against).</summary>
    private const string BalancesOnlyScript = """
        BEGIN;
        UPDATE accounts SET balance = balance + CASE WHEN n = :a THEN -1.00 ELSE 1.00 END, ledger_sequence = ledger_sequence + 1, updated_at = now()
          FROM (SELECT n, id FROM bench_accounts WHERE n IN (:a, :b) ORDER BY user_id) AS pair
         WHERE accounts.id = pair.id AND (pair.n = :b OR accounts.balance >= 1.00);
        INSERT INTO historical_transactions (transaction_id, account_id, user_id, type, status, direction, amount, balance_before, balance_after, currency, transfer_reference, ledger_sequence, created_at, updated_at)
        SELECT 'BENCH-' || gen_random_uuid(), a.id, a.user_id, 'TRANSFER', 'SUCCESS', CASE WHEN b.n = :a THEN 'DEBIT' ELSE 'CREDIT' END::transaction_direction, 1.00,
               a.balance + CASE WHEN b.n = :a THEN 1.00 ELSE -1.00 END, a.balance, 'IDR', 'BENCH-' || txid_current(), a.ledger_sequence, now(), now()
          FROM accounts a JOIN bench_accounts b ON b.id = a.id WHERE b.n IN (:a, :b);
        COMMIT;
        """;

    /// <summary>pgbench runs of both scripts on the same users' accounts, random pairs like the API's uniform run.</summary>
    private static async Task<((string Row, double PerSecond) SameWrites, (string Row, double PerSecond) BalancesOnly)> PgbenchAsync(
        string connectionString, User[] users, BenchmarkOptions options)
    {
        await using (var db = new NpgsqlConnection(connectionString))
        {
            await db.OpenAsync();
            await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_accounts; CREATE TABLE bench_accounts (n int PRIMARY KEY, id uuid NOT NULL, user_id int NOT NULL)", db))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var fill = new NpgsqlCommand(
                "INSERT INTO bench_accounts SELECT row_number() OVER (ORDER BY a.id), a.id, a.user_id FROM accounts a WHERE a.user_id = ANY($1)", db)
            { Parameters = { new() { Value = users.Select(u => u.Id).ToArray() } } };
            await fill.ExecuteNonQueryAsync();
        }

        var sameWrites = await PgbenchScriptAsync("raw SQL transfer, the API's writes (pgbench, same accounts)", SameWritesScript, connectionString, options);
        var balancesOnly = await PgbenchScriptAsync("raw SQL, balances + history rows only (pgbench)", BalancesOnlyScript, connectionString, options);
        await using (var db = new NpgsqlConnection(connectionString))
        {
            // The raw-SQL rows stay (balanced, BENCH- references) in this throw-away database; only the pair table goes.
            await db.OpenAsync();
            await using var cleanup = new NpgsqlCommand("DROP TABLE bench_accounts", db);
            await cleanup.ExecuteNonQueryAsync();
        }

        return (sameWrites, balancesOnly);
    }

    private static async Task<(string Row, double PerSecond)> PgbenchScriptAsync(string name, string body, string connectionString, BenchmarkOptions options)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.Combine(Path.GetTempPath(), $"onegate-transfer-{Environment.ProcessId}.sql");
        // Per-transaction log (-l): pgbench prints only the average, and the target is a p99.
        var logs = Directory.CreateTempSubdirectory("onegate-pgbench-");
        await File.WriteAllTextAsync(script, string.Create(CultureInfo.InvariantCulture, $"""
            \set a random(1, {Users})
            \set d random(1, {Users - 1})
            \set b 1 + ((:a - 1 + :d) % {Users})

            """) + body);
        var start = new ProcessStartInfo("pgbench",
        [
            "-n", "-h", csb.Host!, "-p", csb.Port.ToString(CultureInfo.InvariantCulture), "-U", csb.Username!, "-c", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "-j", "2", "-T", options.Seconds.ToString(CultureInfo.InvariantCulture), "-f", script, "-r",
            "-l", "--log-prefix", Path.Combine(logs.FullName, "tx"), csb.Database!,
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = csb.Password;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);
        var latencies = ReadLatencies(logs);
        logs.Delete(recursive: true);
        if (process.ExitCode != 0 || !output.Contains("tps = ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {output} {error}");
        }

        var tps = double.Parse(Regex(output, @"tps = ([\d.]+)"), CultureInfo.InvariantCulture);
        var latency = Regex(output, @"latency average = ([\d.]+) ms");
        var failed = Regex(output, @"number of failed transactions: (\d+)");
        return (string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Regex(output, @"number of transactions actually processed: (\d+)")} | {(failed.Length == 0 ? "0" : failed)} | {tps:F1} | {LoadRun.Percentile(latencies, 0.50):F1} (avg {latency}) | {LoadRun.Percentile(latencies, 0.99):F1} |"), tps);
    }

    /// <summary>Latencies in ms from pgbench's per-transaction logs (third field: the transaction's time in µs).</summary>
    private static List<double> ReadLatencies(DirectoryInfo logs)
    {
        var latencies = new List<double>();
        foreach (var file in logs.EnumerateFiles("tx*"))
        {
            foreach (var line in File.ReadLines(file.FullName))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && long.TryParse(fields[2], CultureInfo.InvariantCulture, out var micros))
                {
                    latencies.Add(micros / 1000.0);
                }
            }
        }

        latencies.Sort();
        return latencies;
    }

    private static string Regex(string text, string pattern) => System.Text.RegularExpressions.Regex.Match(text, pattern).Groups[1].Value;
}
