using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// Transfers through the API — uniform (random pairs of 32 funded users) and hot (everyone pays one
/// merchant account) — and, in the same run, the same transfer as raw SQL through pgbench (two conditional
/// balance updates in a fixed order and two history rows in one transaction) on the same database.
/// </summary>
public static class TransferBenchmark
{
    private const int Users = 32;

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

        var uniform = await LoadRun.RunAsync("API transfer, uniform accounts", options.Concurrency, duration, () =>
        {
            var from = users[Random.Shared.Next(Users)];
            var to = users[(Array.IndexOf(users, from) + 1 + Random.Shared.Next(Users - 1)) % Users];
            return TransferAsync(payment, from, to.Username);
        });
        Console.WriteLine(uniform);

        var hot = await LoadRun.RunAsync("API transfer, hot merchant account", options.Concurrency, duration, () =>
            TransferAsync(payment, users[Random.Shared.Next(Users)], merchant.Username));
        Console.WriteLine(hot);

        if (options.Postgres is { } postgres)
        {
            var raw = await PgbenchAsync(postgres, users, options);
            Console.WriteLine(raw.Row);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"API / raw SQL (uniform): {uniform.PerSecond / raw.PerSecond * 100:F0} %."));
        }

        return uniform.Failures + hot.Failures == 0 ? 0 : 1;
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

    /// <summary>pgbench with a script doing the transfer in SQL on the same users' accounts.</summary>
    private static async Task<(string Row, double PerSecond)> PgbenchAsync(string connectionString, User[] users, BenchmarkOptions options)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var db = new NpgsqlConnection(connectionString))
        {
            await db.OpenAsync();
            await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_accounts; CREATE TABLE bench_accounts (n int PRIMARY KEY, id uuid NOT NULL)", db))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var fill = new NpgsqlCommand(
                "INSERT INTO bench_accounts SELECT row_number() OVER (ORDER BY a.id), a.id FROM accounts a WHERE a.user_id = ANY($1)", db)
            { Parameters = { new() { Value = users.Select(u => u.Id).ToArray() } } };
            await fill.ExecuteNonQueryAsync();
        }

        var script = Path.Combine(Path.GetTempPath(), $"onegate-transfer-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, """
            \set a random(1, 32)
            \set d random(1, 31)
            \set b 1 + ((:a - 1 + :d) % 32)
            BEGIN;
            UPDATE accounts SET balance = balance + CASE WHEN n = :a THEN -1.00 ELSE 1.00 END, ledger_sequence = ledger_sequence + 1, updated_at = now()
              FROM (SELECT n, id FROM bench_accounts WHERE n IN (:a, :b) ORDER BY id) AS pair
             WHERE accounts.id = pair.id AND (pair.n = :b OR accounts.balance >= 1.00);
            INSERT INTO historical_transactions (transaction_id, account_id, user_id, type, status, direction, amount, balance_before, balance_after, currency, transfer_reference, ledger_sequence, created_at, updated_at)
            SELECT 'BENCH-' || gen_random_uuid(), a.id, a.user_id, 'TRANSFER', 'SUCCESS', CASE WHEN b.n = :a THEN 'DEBIT' ELSE 'CREDIT' END::transaction_direction, 1.00,
                   a.balance + CASE WHEN b.n = :a THEN 1.00 ELSE -1.00 END, a.balance, 'IDR', 'BENCH-' || txid_current(), a.ledger_sequence, now(), now()
              FROM accounts a JOIN bench_accounts b ON b.id = a.id WHERE b.n IN (:a, :b);
            COMMIT;
            """);
        var start = new ProcessStartInfo("pgbench",
        [
            "-n", "-h", csb.Host!, "-p", csb.Port.ToString(CultureInfo.InvariantCulture), "-U", csb.Username!, "-c", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "-j", "2", "-T", options.Seconds.ToString(CultureInfo.InvariantCulture), "-f", script, "-r", csb.Database!,
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = csb.Password;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);
        await using (var db = new NpgsqlConnection(connectionString))
        {
            // Leave the ledger as the API left it: the raw-SQL rows were only for timing.
            await db.OpenAsync();
            await using var cleanup = new NpgsqlCommand("DROP TABLE bench_accounts", db);
            await cleanup.ExecuteNonQueryAsync();
        }

        var tps = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"tps = ([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var latency = System.Text.RegularExpressions.Regex.Match(output, @"latency average = ([\d.]+) ms").Groups[1].Value;
        var failed = System.Text.RegularExpressions.Regex.Match(output, @"number of failed transactions: (\d+)").Groups[1].Value;
        return (string.Create(CultureInfo.InvariantCulture, $"| raw SQL transfer (pgbench, same accounts) | {Regex(output, @"number of transactions actually processed: (\d+)")} | {(failed.Length == 0 ? "0" : failed)} | {tps:F1} | avg {latency} | – |"), tps);
    }

    private static string Regex(string text, string pattern) => System.Text.RegularExpressions.Regex.Match(text, pattern).Groups[1].Value;
}
