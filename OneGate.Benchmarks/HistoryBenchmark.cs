using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// History (and, with --api-key, regulator) page latency with a million ledger rows. Loads 1,000 synthetic
/// accounts × 1,000 rows straight into the database (valid ledger rows: chained balances, unique movement
/// numbers), plus 1,000 rows for one real user, then pages through the API. Use a throw-away data directory:
/// the synthetic accounts' balances are not backed by top-ups.
/// </summary>
public static class HistoryBenchmark
{
    private const int Accounts = 1_000;
    private const int RowsPerAccount = 1_000;

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        if (options.Postgres is null)
        {
            Console.Error.WriteLine("history needs --postgres (rows are loaded with SQL)");
            return 2;
        }

        using var auth = new HttpClient { BaseAddress = options.Auth };
        using var transactions = new HttpClient { BaseAddress = options.Transaction };
        var id = Guid.NewGuid().ToString("N")[..10];
        var username = "hist_" + id;
        using var registered = await auth.PostAsJsonAsync("/api/auth/register",
            new { username, email = id + "@bench.example", phone = "0817" + string.Concat(id.Select(c => (char)('0' + (c % 10))))[..8], password = "benchmark password" });
        registered.EnsureSuccessStatusCode();
        var userId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var login = await auth.PostAsJsonAsync("/api/auth/login", new { username, password = "benchmark password" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        var loaded = await LoadAsync(options.Postgres, userId);
        Console.WriteLine($"# OneGate history benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {loaded:N0} rows in historical_transactions, {options.Concurrency} clients, {options.Seconds} s per row");
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        var duration = TimeSpan.FromSeconds(options.Seconds);
        Console.WriteLine(await LoadRun.RunAsync("GET /api/transactions (first page, 20)", options.Concurrency, duration,
            () => GetAsync(transactions, "/api/transactions?limit=20", token, null)));

        // Deep pages: follow cursors through the user's 1,000 rows, restarting at the end.
        var cursors = await CollectCursorsAsync(transactions, "/api/transactions?limit=20", token, null);
        Console.WriteLine(await LoadRun.RunAsync("GET /api/transactions (random deep page via cursor)", options.Concurrency, duration,
            () => GetAsync(transactions, $"/api/transactions?limit=20&cursor={cursors[Random.Shared.Next(cursors.Count)]}", token, null)));
        Console.WriteLine(await LoadRun.RunAsync("GET /api/transactions?type=PAYMENT&status=SUCCESS", options.Concurrency, duration,
            () => GetAsync(transactions, "/api/transactions?type=PAYMENT&status=SUCCESS&limit=20", token, null)));

        // Regulator pages run over every account's externally visible rows (all 1M here). The key needs limits above
        // the load (keys create ... --per-minute 10000000 --per-hour 100000000 --per-day 1000000000): a 429 counts as a failure.
        if (options.ApiKey is { } apiKey)
        {
            Console.WriteLine(await LoadRun.RunAsync("GET /api/external/transactions (regulator, first page)", options.Concurrency, duration,
                () => GetAsync(transactions, "/api/external/transactions?limit=20", null, apiKey)));
            var regulatorCursors = await CollectCursorsAsync(transactions, "/api/external/transactions?limit=20", null, apiKey, maxPages: 500);
            Console.WriteLine(await LoadRun.RunAsync("GET /api/external/transactions (regulator, random page of the first 500 via cursor)", options.Concurrency, duration,
                () => GetAsync(transactions, $"/api/external/transactions?limit=20&cursor={regulatorCursors[Random.Shared.Next(regulatorCursors.Count)]}", null, apiKey)));
            var yesterday = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Console.WriteLine(await LoadRun.RunAsync($"GET /api/external/transactions?from={yesterday}&to={yesterday}&type=PAYMENT&status=SUCCESS", options.Concurrency, duration,
                () => GetAsync(transactions, $"/api/external/transactions?from={yesterday}&to={yesterday}&type=PAYMENT&status=SUCCESS&limit=20", null, apiKey)));
        }

        return 0;
    }

    private static async Task<bool> GetAsync(HttpClient client, string path, string? token, string? apiKey)
    {
        using var request = NewRequest(path, token, apiKey);
        using var response = await client.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    private static HttpRequestMessage NewRequest(string path, string? token, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }

        return request;
    }

    private static async Task<List<string>> CollectCursorsAsync(HttpClient client, string firstPage, string? token, string? apiKey, int maxPages = int.MaxValue)
    {
        var cursors = new List<string>();
        string? cursor = null;
        do
        {
            using var request = NewRequest(firstPage + (cursor is null ? "" : "&cursor=" + cursor), token, apiKey);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            cursor = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextCursor").GetString();
            if (cursor is not null)
            {
                cursors.Add(cursor);
            }
        }
        while (cursor is not null && cursors.Count < maxPages);
        return cursors;
    }

    /// <summary>Synthetic accounts (user ids from 2,000,000) and the real user's account, 1,000 rows each.</summary>
    private static async Task<long> LoadAsync(string connectionString, int realUserId)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO accounts (user_id, balance, ledger_sequence)
            SELECT 2000000 + g, 1000000.00 - {RowsPerAccount}, {RowsPerAccount} FROM generate_series(1, {Accounts}) g
            ON CONFLICT (user_id) DO NOTHING;
            INSERT INTO accounts (user_id, balance, ledger_sequence) VALUES ({realUserId}, 1000000.00 - {RowsPerAccount}, {RowsPerAccount})
            ON CONFLICT (user_id) DO NOTHING;
            INSERT INTO historical_transactions (transaction_id, account_id, user_id, type, status, direction, amount, balance_before, balance_after,
                currency, description, merchant, ledger_sequence, is_accessible_external, created_at, updated_at)
            SELECT 'BENCH-' || a.user_id || '-' || i, a.id, a.user_id, 'PAYMENT', 'SUCCESS', 'DEBIT', 1.00,
                   1000000.00 - (i - 1), 1000000.00 - i, 'IDR', 'benchmark', 'Bench Merchant', i, true,
                   now() - make_interval(secs => ({RowsPerAccount} - i) * 60), now()
              FROM accounts a CROSS JOIN generate_series(1, {RowsPerAccount}) i
             WHERE (a.user_id BETWEEN 2000001 AND 2000000 + {Accounts} OR a.user_id = {realUserId})
               AND NOT EXISTS (SELECT 1 FROM historical_transactions h WHERE h.account_id = a.id);
            ANALYZE historical_transactions;
            """);
        await using (var load = new NpgsqlCommand(sql, db) { CommandTimeout = 600 })
        {
            await load.ExecuteNonQueryAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM historical_transactions", db);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
