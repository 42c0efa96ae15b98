using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// Transfers through the API — uniform (random pairs of 512 funded users) and hot (everyone pays one merchant
/// account) — on both posting paths in the same run when the report gives the second: one database transaction per
/// transfer (a Payment replica with <c>Payment:Posting:Batched=false</c>) and the posting engine (a replica of its
/// own, started alike); then the same transfer as raw SQL through pgbench on the same database and accounts, uniform
/// (also before the API rows, so the two bracket them) and into the one hot account: the writes the API commits (accounts opened if new, two conditional balance updates in a fixed order, two
/// history rows, two outbox events, the stored idempotent answer) in one transaction, and for reference the balances
/// and history rows alone. Each row also reports what Postgres did per transfer and the engine's batch sizes.
/// </summary>
public static class TransferBenchmark
{
    // Uniform pairs should rarely wait on each other's row locks (a real wallet has millions of accounts); the
    // hot-account row is the contended case. With 32 transfers in flight holding two locks each, a transfer among
    // 128 accounts had up to a 3 in 4 chance of meeting a locked row (pgbench's p99 was 66-84 ms); among 512, under 1 in 4.
    private const int Users = 512;

    // Idle accounts beside the benchmark's own, with user ids no Auth user has (see PadAccountsAsync).
    private const int PaddingAccounts = 200_000;
    private const int PaddingFrom = 1_900_000_000;

    // Open loop at a quarter of the saturated rate of the path before the engine, offered to both paths: the latency
    // an operator plans with, at a load that does not saturate the machine.
    private const double OfferedShare = 0.25;

    // Long enough for each process's JIT to reach its optimised code (tiered compilation recompiles hot methods in the
    // background; with 3 s, a replica was still compiling during the next path's measured row).
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    // Short enough that a drift of the machine's speed spans many turns of every path, long enough that the
    // requests still in flight when a turn ends are few.
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(1);

    private const string EngineLabel = "posting engine";

    private const string RawUniform = "raw SQL transfer, the API's writes (pgbench, same accounts)";

    private sealed record PostingPath(string Label, HttpClient Client);

    private sealed record Measured(LoadRun.Result Result, PostgresCounters? Database, ReplicaMetrics? Engine, Dictionary<string, double> Cpu);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var auth = new HttpClient { BaseAddress = options.Auth };
        using var payment = new HttpClient { BaseAddress = options.Payment };
        using var unbatched = options.UnbatchedPayment is { } address ? new HttpClient { BaseAddress = address } : null;
        using var engine = options.EnginePayment is { } replica ? new HttpClient { BaseAddress = replica } : null;
        using var variant = options.EngineVariant is { } other ? new HttpClient { BaseAddress = other.Payment } : null;
        List<PostingPath> paths = [.. unbatched is null ? [] : new[] { new PostingPath("one transaction per transfer", unbatched) },
            new PostingPath(EngineLabel, engine ?? payment),
            .. variant is null ? [] : new[] { new PostingPath($"posting engine, {options.EngineVariant!.Value.Label}", variant) }];
        var duration = TimeSpan.FromSeconds(options.Seconds);

        if (options.Postgres is { } database)
        {
            await PadAccountsAsync(database);
        }

        Console.Error.WriteLine($"setting up {Users} funded users and a merchant...");
        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => NewUserAsync(auth, payment, fund: true)));
        var merchant = await NewUserAsync(auth, payment, fund: false);

        Console.WriteLine($"# OneGate transfer benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {options.Seconds} s per row, {options.Concurrency} clients");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Users} funded users and one merchant, among {PaddingAccounts:N0} idle accounts (as in a wallet with many). " +
            $"Each path warmed up for {WarmUp.TotalSeconds:F0} s first. Between rows (unmeasured) the events a row left are applied, the database vacuumed and analysed, and a checkpoint taken, so no row pays the one before it."));
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        Func<Task<bool>> RandomPair(HttpClient client) => () =>
        {
            var from = users[Random.Shared.Next(Users)];
            var to = users[(Array.IndexOf(users, from) + 1 + Random.Shared.Next(Users - 1)) % Users];
            return TransferAsync(client, from, to.Username);
        };

        Func<Task<bool>> ToMerchant(HttpClient client) => () => TransferAsync(client, users[Random.Shared.Next(Users)], merchant.Username);

        var run = new RowRunner(options);
        foreach (var path in paths)
        {
            await LoadRun.WarmUpAsync(options.Concurrency, WarmUp, RandomPair(path.Client));
        }

        await run.DrainAsync("the setup (funding top-ups and the warm-ups)");

        LoadRun.Result? rawBefore = null;
        if (options.Postgres is { } pg)
        {
            await PrepareRawSqlAsync(pg, users);
            rawBefore = await RawUniformBeforeAsync(pg, options, run);
        }

        // Interleaved path by path, so a change in the machine's other load touches both paths alike.
        var uniform = new Dictionary<PostingPath, Measured>();
        var hot = new Dictionary<PostingPath, Measured>();
        var offered = new Dictionary<PostingPath, Measured>();
        foreach (var path in paths)
        {
            uniform[path] = await run.ApiAsync(path, $"API transfer, uniform accounts — {path.Label}",
                () => LoadRun.RunAsync($"API transfer, uniform accounts — {path.Label}", options.Concurrency, duration, RandomPair(path.Client)));
        }

        foreach (var path in paths)
        {
            hot[path] = await run.ApiAsync(path, $"API transfer, hot merchant account — {path.Label}",
                () => LoadRun.RunAsync($"API transfer, hot merchant account — {path.Label}", options.Concurrency, duration, ToMerchant(path.Client)));
        }

        // The same closed loops again, the paths taking turns second by second: what compares their rates.
        var closedInTurns = new List<(string Row, LoadRun.Result[] Results)>();
        foreach (var (rowName, request) in new (string, Func<PostingPath, Func<Task<bool>>>)[]
                 {
                     ("API transfer, uniform accounts", p => RandomPair(p.Client)), ("API transfer, hot merchant account", p => ToMerchant(p.Client)),
                 })
        {
            var turnsRow = string.Create(CultureInfo.InvariantCulture, $"{rowName}, the paths in turns of {Turn.TotalSeconds:F0} s");
            var results = await LoadRun.RunInTurnsAsync(turnsRow, [.. paths.Select(p => ($"{turnsRow} — {p.Label}", request(p)))],
                options.Concurrency, duration, Turn);
            Array.ForEach(results, Console.WriteLine);
            closedInTurns.Add((rowName, results));
            await run.DrainAsync($"\"{turnsRow}\"");
        }

        var rate = Math.Max(10, Math.Round(uniform[paths[0]].Result.PerSecond * OfferedShare / 10) * 10);
        foreach (var path in paths)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"API transfer, uniform, {rate:F0}/s offered ({OfferedShare:P0} of the first row) — {path.Label}");
            offered[path] = await run.ApiAsync(path, name, () => LoadRun.RunAtRateAsync(name, rate, options.Concurrency, duration, RandomPair(path.Client)));
        }

        // The same offered rate again, the paths taking turns second by second: what compares their latency.
        var turnsName = string.Create(CultureInfo.InvariantCulture, $"API transfer, uniform, {rate:F0}/s offered, the paths in turns of {Turn.TotalSeconds:F0} s");
        var ledgerBefore = await Task.WhenAll(paths.Select(p => ReplicaMetrics.ReadAsync(p.Client)));
        var turns = await LoadRun.RunAtRateInTurnsAsync(turnsName, [.. paths.Select(p => ($"{turnsName} — {p.Label}", RandomPair(p.Client)))],
            rate, options.Concurrency, duration, Turn);
        var ledger = (await Task.WhenAll(paths.Select(p => ReplicaMetrics.ReadAsync(p.Client)))).Zip(ledgerBefore, (after, before) => (after - before).Postings).ToArray();
        Array.ForEach(turns, Console.WriteLine);
        await run.DrainAsync($"\"{turnsName}\"");

        RawSql? raw = null;
        if (options.Postgres is { } postgres)
        {
            await AddHotAccountAsync(postgres, merchant);
            raw = await PgbenchAsync(postgres, rawBefore, options, run);
        }

        run.PrintDatabaseTable();
        run.PrintCpuTable();
        run.PrintStatementTable();
        PrintRatios(paths, uniform, hot, offered, raw);
        PrintClosedTurns(paths, closedInTurns, raw);
        PrintTurns(paths, turns, ledger);
        run.PrintBacklogs();
        var failures = uniform.Values.Concat(hot.Values).Concat(offered.Values).Sum(m => m.Result.Failures) + turns.Sum(t => t.Failures)
                       + closedInTurns.Sum(row => row.Results.Sum(r => r.Failures)) + (raw?.Failures ?? 0);
        Console.WriteLine();
        Console.WriteLine(failures == 0 ? "Errors: none (every transfer answered 201, every pgbench transaction committed)." : $"**Errors: {failures}.**");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// A wallet has millions of accounts. With only the benchmark's 513, Postgres scans the whole table for every
    /// statement that names a few accounts (cheapest by its cost model for a few pages, but those pages fill with
    /// dead row versions under load), which no deployment does: idle accounts give every path the plans production gets.
    /// </summary>
    private static async Task PadAccountsAsync(string postgres)
    {
        await using var db = new NpgsqlConnection(postgres);
        await db.OpenAsync();
        await using var pad = new NpgsqlCommand($"""
            INSERT INTO accounts (user_id) SELECT {PaddingFrom} + g FROM generate_series(1, {PaddingAccounts}) AS g ON CONFLICT (user_id) DO NOTHING;
            ANALYZE accounts;
            """, db);
        await pad.ExecuteNonQueryAsync();
    }

    private static void PrintRatios(List<PostingPath> paths, Dictionary<PostingPath, Measured> uniform, Dictionary<PostingPath, Measured> hot,
        Dictionary<PostingPath, Measured> offered, RawSql? raw)
    {
        Console.WriteLine();
        foreach (var path in paths)
        {
            var (u, h) = (uniform[path].Result, hot[path].Result);
            Console.WriteLine(raw is null
                ? string.Create(CultureInfo.InvariantCulture, $"- {path.Label}: uniform p99 {u.P99Ms:F1} ms, hot p99 {h.P99Ms:F1} ms.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"- {path.Label}: uniform {u.PerSecond / raw.Uniform * 100:F0} % of raw SQL uniform (target ≥ 200 %), p99 {u.P99Ms:F1} ms; hot merchant {h.PerSecond / raw.Uniform * 100:F0} % of raw SQL uniform (target ≥ 100 %), p99 {h.P99Ms:F1} ms (target < 50 ms); raw SQL hot account: {raw.Hot:F1}/s."));
        }

        if (raw is not null && paths.Find(p => p.Label == EngineLabel) is { } enginePath)
        {
            var engine = uniform[enginePath].Result.PerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- Raw SQL uniform is the mean of its rows before the API rows ({raw.UniformBefore:F1}/s) and after them ({raw.UniformAfter:F1}/s); against each alone the engine's uniform row is {engine / raw.UniformBefore * 100:F0} % and {engine / raw.UniformAfter * 100:F0} %."));
        }

        foreach (var path in paths.Skip(1))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- Open loop at the same offered rate: p50 {offered[paths[0]].Result.P50Ms:F1} ms ({paths[0].Label}) vs {offered[path].Result.P50Ms:F1} ms ({path.Label}); p99 {offered[paths[0]].Result.P99Ms:F1} vs {offered[path].Result.P99Ms:F1} ms."));
        }
    }

    private static void PrintClosedTurns(List<PostingPath> paths, List<(string Row, LoadRun.Result[] Results)> rows, RawSql? raw)
    {
        foreach (var (row, results) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {row}, the paths in turns of {Turn.TotalSeconds:F0} s: ") +
                string.Join("; ", paths.Zip(results).Select(p => string.Create(CultureInfo.InvariantCulture,
                    $"{p.First.Label} {p.Second.PerSecond:F1}/s{(raw is null ? "" : $" ({p.Second.PerSecond / raw.Uniform * 100:F0} % of raw SQL uniform)")}, p99 {p.Second.P99Ms:F1} ms"))) + ".");
        }
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    /// <param name="ledger">Each path's replica's own timing of the ledger part of its requests during the row.</param>
    private static void PrintTurns(List<PostingPath> paths, LoadRun.Result[] turns, EngineHistogram[] ledger)
    {
        foreach (var (path, result) in paths.Zip(turns).Skip(1))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- Open loop, the paths in turns of {Turn.TotalSeconds:F0} s: p50 {turns[0].P50Ms:F1} ms ({paths[0].Label}) vs {result.P50Ms:F1} ms ({path.Label}); p99 {turns[0].P99Ms:F1} vs {result.P99Ms:F1} ms."));
        }

        // What of a request's latency the ledger took (from the request handed to it until answered, inside Payment): the
        // rest of the difference between the paths is HTTP, authentication, the machine and the load generator's own
        // delays (a latency counts from the request's due time). The scrape spans the unmeasured first round too.
        Console.WriteLine("- Of that, the ledger's part (the replica's onegate.payment.posting.request_duration over the whole row, first round " +
            "included, interpolated within its buckets): " +
            string.Join("; ", paths.Zip(ledger).Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{p.First.Label} p50 {Ms(p.Second.Interpolated(0.5))}, p99 {Ms(p.Second.Interpolated(0.99))}"))) + ".");
    }

    private sealed record RawSql(double UniformBefore, double UniformAfter, double Hot, int Failures)
    {
        /// <summary>The mean of the uniform rows before and after the API's: what the API's rates are compared with.</summary>
        public double Uniform => (UniformBefore + UniformAfter) / 2;
    }

    /// <summary>Runs rows with what Postgres and the engine did during each, and keeps the lines for the report's second table.</summary>
    private sealed class RowRunner(BenchmarkOptions options)
    {
        private readonly List<string> databaseLines = [];
        private readonly List<string> backlogs = [];
        private readonly List<(string Name, Measured Row)> cpuRows = [];
        private readonly List<string> statementLines = [];

        public async Task<Measured> ApiAsync(PostingPath path, string name, Func<Task<LoadRun.Result>> row) =>
            await MeasureAsync(name, options.PaymentLogin, path.Client, row);

        public async Task<Measured> MeasureAsync(string name, string? login, HttpClient? engine, Func<Task<LoadRun.Result>> row)
        {
            var database = options.Postgres is { } pg ? await PostgresCounters.ReadAsync(pg, login ?? "") : null;
            var replica = engine is null ? null : await ReplicaMetrics.ReadAsync(engine);
            var times = options.Postgres is { } postgres ? await StatementTimes.ReadAsync(postgres) : null;
            var cpu = CpuSplit.Start();
            var ownGc = GcPauses.OfThisProcess();
            var result = await row();
            ownGc = GcPauses.OfThisProcess() - ownGc;
            var used = cpu.Seconds();
            if (times is not null && await StatementTimes.ReadAsync(options.Postgres!) is { } timesAfter)
            {
                statementLines.Add($"| **{name}** | | | |");
                statementLines.AddRange(timesAfter.TopLines(times, result.Requests - result.Failures, 6));
            }
            Console.WriteLine(result);
            var measured = new Measured(result,
                options.Postgres is { } after ? await PostgresCounters.ReadAsync(after, login ?? "") - database! : null,
                engine is null ? null : await ReplicaMetrics.ReadAsync(engine) - replica!, used);
            databaseLines.Add(Line(name, measured));
            if (result.Tail is { } tail)
            {
                var paused = (measured.Engine?.Gc is { } gc ? $" The replica's GC: {gc.Describe(result.Requests)}." : "") +
                             $" The load generator's GC: {ownGc.Describe(result.Requests)}.";
                var engineTimes = measured.Engine is { BatchDurations: { Count: > 0 } took, QueueWaits: var waited, Steps: var steps }
                    ? $" Its batches took p50 {took.Quantile(0.5)}, p99 {took.Quantile(0.99)} (by step, p50 / p99: " +
                      string.Join(", ", ReplicaMetrics.StepNames.Select(s => $"{s} {steps[s].Quantile(0.5)} / {steps[s].Quantile(0.99)}")) +
                      $"); its requests waited in the queue p50 {waited.Quantile(0.5)}, p99 {waited.Quantile(0.99)}."
                    : "";
                backlogs.Add($"When the tail of \"{name}\" happened: {tail}.{paused}{engineTimes}");
            }

            cpuRows.Add((name, measured));
            await DrainAsync($"\"{name}\"");
            return measured;
        }

        public async Task DrainAsync(string leftBy)
        {
            // Each row starts once the events the previous row left are applied: otherwise the consumer working off
            // that backlog competes for the cores (and pgbench would be slowed by the API's leftovers).
            if (options.Postgres is { } postgres && await EventLagBenchmark.DrainAsync(postgres, leftBy) is { } line)
            {
                backlogs.Add(line);
            }

            if (options.Postgres is { } database)
            {
                backlogs.Add($"Upkeep after {leftBy}: {await SettleAsync(database)}.");
            }
        }

        /// <summary>
        /// Pays a row's database upkeep before the next row starts, unmeasured: its dead row versions vacuumed and the
        /// statistics fresh (else autovacuum and stale plans land in whichever row comes next), and a checkpoint, so
        /// every row starts right after one (each then logs a full page image of every page it first touches, rather
        /// than whichever row a WAL-triggered checkpoint happens to land in). The upkeep grows with what a path writes
        /// (the API's outbox rows are updated once published; pgbench writes them published): its time is reported.
        /// </summary>
        private static async Task<string> SettleAsync(string postgres)
        {
            await using var db = new NpgsqlConnection(postgres);
            await db.OpenAsync();
            var took = new List<string>();
            foreach (var sql in (string[])["VACUUM (ANALYZE)", "CHECKPOINT"])
            {
                var started = Stopwatch.GetTimestamp();
                await using var command = new NpgsqlCommand(sql, db) { CommandTimeout = 600 };
                await command.ExecuteNonQueryAsync();
                took.Add(string.Create(CultureInfo.InvariantCulture, $"{sql} {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
            }

            return string.Join(", ", took);
        }

        public void PrintDatabaseTable()
        {
            Console.WriteLine();
            Console.WriteLine("What Postgres did per transfer during each row (statements: pg_stat_statements calls by the row's login — Payment's for the API " +
                              "rows, including its outbox relay; transactions and rows written: pg_stat_database, whole database, so including the " +
                              "Transaction service applying the events meanwhile; autovacuum: its vacuum and analyse runs during the row, one per table and kind; GC: the row's replica only; the app's Payment, which no row measures, relays every row's events) and the " +
                              "posting engine's batch sizes (its histogram, bucket bounds):");
            Console.WriteLine();
            Console.WriteLine("| row | statements / transfer | transactions / transfer | rows written / transfer | autovacuum runs | batches | batch size p50 | batch size p99 |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            databaseLines.ForEach(Console.WriteLine);
        }

        /// <summary>
        /// CPU time per transfer of each process during each row: unlike rates and latencies, it holds when something
        /// else shares the machine (payment counts every Payment process: the row's replica, the app's relaying its events, the idle ones).
        /// </summary>
        public void PrintCpuTable()
        {
            string[] groups = ["payment", "postgres", "redis", "load generator + AppHost (this harness)", "transaction", "kafka broker", "pgbench"];
            Console.WriteLine();
            Console.WriteLine("CPU time per transfer by process during each row (µs; /proc user+system, a process that ended counts in its parent's group: pgbench in the harness', its Postgres backends in Postgres'):");
            Console.WriteLine();
            Console.WriteLine($"| row | {string.Join(" | ", groups)} | other | all |");
            Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", groups.Length + 2))}");
            foreach (var (name, m) in cpuRows)
            {
                var n = Math.Max(1, m.Result.Requests - m.Result.Failures); // per transfer made, not per attempt
                string Micros(double seconds) => (seconds * 1e6 / n).ToString("F0", CultureInfo.InvariantCulture);
                var other = m.Cpu.Where(g => !groups.Contains(g.Key)).Sum(g => g.Value);
                Console.WriteLine($"| {name} | {string.Join(" | ", groups.Select(g => Micros(m.Cpu.GetValueOrDefault(g))))} | {Micros(other)} | {Micros(m.Cpu.Values.Sum())} |");
            }
        }

        /// <summary>The statements that cost Postgres most execution time per transfer in each row (every login).</summary>
        public void PrintStatementTable()
        {
            if (statementLines.Count == 0)
            {
                return;
            }

            Console.WriteLine();
            Console.WriteLine("Where Postgres' execution time went in each row (pg_stat_statements, every login; the six statements that took most; µs of execution per transfer, calls per transfer):");
            Console.WriteLine();
            Console.WriteLine("| login | µs / transfer | calls / transfer | statement |");
            Console.WriteLine("|---|---|---|---|");
            statementLines.ForEach(Console.WriteLine);
        }

        public void PrintBacklogs()
        {
            foreach (var line in backlogs)
            {
                Console.WriteLine();
                Console.WriteLine(line);
            }
        }

        private static string Line(string name, Measured m)
        {
            var n = Math.Max(1, m.Result.Requests);
            var db = m.Database;
            return string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(db?.Statements is { } s ? (s / (double)n).ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {(db is null ? "n/a" : (db.Transactions / (double)n).ToString("F2", CultureInfo.InvariantCulture))} | {(db is null ? "n/a" : (db.RowsWritten / (double)n).ToString("F1", CultureInfo.InvariantCulture))} | {db?.Autovacuums.ToString(CultureInfo.InvariantCulture) ?? "n/a"} | {m.Engine?.BatchSizes.Count.ToString(CultureInfo.InvariantCulture) ?? "-"} | {m.Engine?.BatchSizes.Quantile(0.50) ?? "-"} | {m.Engine?.BatchSizes.Quantile(0.99) ?? "-"} |");
        }
    }

    internal sealed record User(string Username, string AccessToken, int Id);

    // Auth hashes passwords in a bounded line and refuses registrations beyond it (503): the setup registers a few at a time.
    private static readonly SemaphoreSlim SetupSlots = new(8);

    private static readonly int PhoneBase = Random.Shared.Next(50_000_000);
    private static int phones;

    internal static async Task<User> NewUserAsync(HttpClient auth, HttpClient payment, bool fund)
    {
        await SetupSlots.WaitAsync();
        try
        {
            var id = Guid.NewGuid().ToString("N");
            // A serial, not digits of the id: phones drawn at random can collide, and a 409 at setup loses the report.
            var phone = "0815" + (PhoneBase + Interlocked.Increment(ref phones)).ToString("D8", CultureInfo.InvariantCulture);
            var username = "bench_" + id[..12];
            using var registered = await RetryingAsync(() => auth.PostAsJsonAsync("/api/auth/register",
                new { username, email = id[..12] + "@bench.example", phone, password = "benchmark password" }));
            var userId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
            using var login = await RetryingAsync(() => auth.PostAsJsonAsync("/api/auth/login", new { username, password = "benchmark password" }));
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            var user = new User(username, token, userId);
            if (fund)
            {
                // The same key on a retry resumes the same charge.
                var key = Guid.NewGuid().ToString();
                using var topUp = await RetryingAsync(async () =>
                {
                    using var request = Request(HttpMethod.Post, "/api/payments/topup", user, new { amount = 5_000_000m, paymentMethod = "GOPAY" }, key);
                    return await payment.SendAsync(request);
                });
            }

            return user;
        }
        finally
        {
            SetupSlots.Release();
        }
    }

    /// <summary>Sends until the answer is not 503 (a busy service refused it, nothing done), then requires success.</summary>
    private static async Task<HttpResponseMessage> RetryingAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                return response.EnsureSuccessStatusCode();
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)));
        }
    }

    internal static async Task<bool> TransferAsync(HttpClient payment, User from, string to)
    {
        using var request = Request(HttpMethod.Post, "/api/payments/transfer", from, new { toUsername = to, amount = 1.00m });
        using var response = await payment.SendAsync(request);
        return response.StatusCode == System.Net.HttpStatusCode.Created;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, User user, object body, string? key = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
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

    /// <summary>The benchmark's accounts by number (1..512), for pgbench's scripts to pick pairs from.</summary>
    private static async Task PrepareRawSqlAsync(string connectionString, User[] users)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_accounts; CREATE TABLE bench_accounts (n int PRIMARY KEY, id uuid NOT NULL, user_id int NOT NULL)", db))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var fill = new NpgsqlCommand(
            "INSERT INTO bench_accounts SELECT row_number() OVER (ORDER BY a.id), a.id, a.user_id FROM accounts a WHERE a.user_id = ANY($1)", db)
        { Parameters = { new() { Value = users.Select(u => u.Id).ToArray() } } };
        await fill.ExecuteNonQueryAsync();
        await using var analyse = new NpgsqlCommand("ANALYZE bench_accounts", db);
        await analyse.ExecuteNonQueryAsync();
    }

    /// <summary>The hot merchant's account as number Users + 1: it exists only once the API rows paid it (an account opens on its first credit).</summary>
    private static async Task AddHotAccountAsync(string connectionString, User merchant)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var hot = new NpgsqlCommand("INSERT INTO bench_accounts SELECT $2, a.id, a.user_id FROM accounts a WHERE a.user_id = $1", db)
        { Parameters = { new() { Value = merchant.Id }, new() { Value = Users + 1 } } };
        if (await hot.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException("The hot merchant has no account: the raw-SQL hot row would pay nobody.");
        }
    }

    /// <summary>
    /// The same transfer as raw SQL, uniform, right before the API's rows: with the uniform row after them, it brackets
    /// them, so a drift of the machine's speed between the API's rows and raw SQL's shows as two different rates
    /// instead of moving the ratio unseen.
    /// </summary>
    private static async Task<LoadRun.Result> RawUniformBeforeAsync(string connectionString, BenchmarkOptions options, RowRunner run)
    {
        var login = new NpgsqlConnectionStringBuilder(connectionString).Username;
        const string Name = $"{RawUniform}, before the API rows";
        return (await run.MeasureAsync(Name, login, null, () => PgbenchScriptAsync(Name, RandomPairScript + SameWritesScript, connectionString, options))).Result;
    }

    /// <summary>
    /// pgbench runs on the same users' accounts: the API's writes between random pairs like the API's uniform rows and
    /// into the one hot merchant account (row n = Users + 1) like its hot rows, and the balances and history alone.
    /// </summary>
    private static async Task<RawSql> PgbenchAsync(string connectionString, LoadRun.Result? before, BenchmarkOptions options, RowRunner run)
    {
        var login = new NpgsqlConnectionStringBuilder(connectionString).Username;
        const string Hot = "raw SQL transfer into the hot merchant account, the API's writes (pgbench)";
        const string BalancesOnly = "raw SQL, balances + history rows only (pgbench)";
        var rows = new List<LoadRun.Result>();
        foreach (var (name, script, pair) in new[] { (RawUniform, SameWritesScript, RandomPairScript), (Hot, SameWritesScript, HotAccountScript), (BalancesOnly, BalancesOnlyScript, RandomPairScript) })
        {
            rows.Add((await run.MeasureAsync(name, login, null, () => PgbenchScriptAsync(name, pair + script, connectionString, options))).Result);
        }

        await using (var db = new NpgsqlConnection(connectionString))
        {
            // The raw-SQL rows stay (balanced, BENCH- references) in this throw-away database; only the pair table goes.
            await db.OpenAsync();
            await using var cleanup = new NpgsqlCommand("DROP TABLE bench_accounts", db);
            await cleanup.ExecuteNonQueryAsync();
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(raw SQL balances + history only: {rows[2].PerSecond:F1}/s; the API's writes cost it {(1 - rows[0].PerSecond / rows[2].PerSecond) * 100:F0} % of that rate.)"));
        return new RawSql(before?.PerSecond ?? rows[0].PerSecond, rows[0].PerSecond, rows[1].PerSecond, rows.Sum(r => r.Failures) + (before?.Failures ?? 0));
    }

    private static readonly string RandomPairScript = string.Create(CultureInfo.InvariantCulture, $"""
        \set a random(1, {Users})
        \set d random(1, {Users - 1})
        \set b 1 + ((:a - 1 + :d) % {Users})

        """);

    private static readonly string HotAccountScript = string.Create(CultureInfo.InvariantCulture, $"""
        \set a random(1, {Users})
        \set b {Users + 1}

        """);

    private static async Task<LoadRun.Result> PgbenchScriptAsync(string name, string body, string connectionString, BenchmarkOptions options)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.Combine(Path.GetTempPath(), $"onegate-transfer-{Environment.ProcessId}.sql");
        // Per-transaction log (-l): pgbench prints only the average, and the target is a p99.
        var logs = Directory.CreateTempSubdirectory("onegate-pgbench-");
        await File.WriteAllTextAsync(script, body);
        var start = new ProcessStartInfo("pgbench",
        [
            "-n", "-h", csb.Host!, "-p", csb.Port.ToString(CultureInfo.InvariantCulture), "-U", csb.Username!, "-c", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "-j", "2", "-T", options.Seconds.ToString(CultureInfo.InvariantCulture), "-f", script, "-r",
            "-l", "--log-prefix", Path.Combine(logs.FullName, "tx"), csb.Database!,
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = csb.Password;
        // The tables live in the services' schemas (the stack's connection string searches them; pgbench does not read it).
        if (csb.SearchPath is { Length: > 0 } searchPath)
        {
            start.Environment["PGOPTIONS"] = $"-c search_path={searchPath}";
        }
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
        var failed = Regex(output, @"number of failed transactions: (\d+)");
        return new LoadRun.Result(name, int.Parse(Regex(output, @"number of transactions actually processed: (\d+)"), CultureInfo.InvariantCulture),
            failed.Length == 0 ? 0 : int.Parse(failed, CultureInfo.InvariantCulture), tps, LoadRun.Percentile(latencies, 0.50), LoadRun.Percentile(latencies, 0.99));
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
