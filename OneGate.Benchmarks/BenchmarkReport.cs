using System.Globalization;
using System.Text;
using Npgsql;

namespace OneGate.Benchmarks;

/// <summary>
/// <c>report</c>: boots the stack (<see cref="BenchmarkStack"/>), runs every suite against it — login and
/// authenticated reads, transfers uniform/hot with the pgbench raw-SQL ratio, history and regulator pages at
/// 1M rows, outbox-to-consumer lag — with the CPU split of each, and writes one markdown report.
/// </summary>
public static class BenchmarkReport
{
    public static async Task<int> RunAsync(BenchmarkOptions options, string output)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# OneGate benchmark report — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");
        report.AppendLine();
        report.AppendLine("Command: `dotnet run -c Release --project OneGate.Benchmarks -- report` (boots the app model in Local mode, no dashboard, services in Release).");
        report.AppendLine();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Trace sampling: `parentbased_traceidratio` {options.TraceSampling:0.##} (the production overlay's setting; `--trace-sampling 1` records every request, as in development)."));
        report.AppendLine();
        if (BenchmarkStack.PerfMap)
        {
            report.AppendLine("Perf map on (`ONEGATE_BENCH_PERF_MAP=1`): the services ran with `DOTNET_PerfMapEnabled=1` and write-xor-execute off, " +
                              "so these rows are not comparable with a report's without it.");
            report.AppendLine();
        }

        Console.Error.WriteLine("starting the stack...");
        await using var stack = await BenchmarkStack.StartAsync(options.TraceSampling);
        report.Append(await MachineAsync(stack.Postgres));

        var suiteOptions = options with
        {
            Auth = stack.Endpoint("auth"),
            Payment = stack.Endpoint("payment"),
            Transaction = stack.Endpoint("transaction"),
            Postgres = stack.Postgres,
        };
        var failed = 0;
        if (options.Suites.Contains("auth"))
        {
            failed += await SectionAsync(report, "Auth: login and authenticated reads", () => AuthBenchmark.RunAsync(suiteOptions with { Concurrency = 4 }));
        }

        if (options.Suites.Contains("auth-flood"))
        {
            failed += await SectionAsync(report, "Auth: logins during a registration flood and a failed-login flood", () => AuthFloodBenchmark.RunAsync(suiteOptions));
        }

        if (options.Suites.Contains("transfer"))
        {
            // Every measured path on a replica started alike: the app's Payment, started by the orchestrator, also funds
            // the users and relays every path's events, so a row measured on it is not like the others (docs/posting-engine.md).
            var unbatched = await stack.StartUnbatchedPaymentAsync();
            var engine = await stack.StartPaymentReplicaAsync(new Dictionary<string, string>());
            // ONEGATE_BENCH_ENGINE_VARIANT=Name=value[;Name=value]: another posting-engine setting (or a DOTNET_ runtime setting,
            // or any configuration key spelled with __)
            // measured beside the default engine's in the same run.
            var variant = Environment.GetEnvironmentVariable("ONEGATE_BENCH_ENGINE_VARIANT") is { Length: > 0 } settings
                ? (settings, await stack.StartPaymentReplicaAsync(settings.Split(';').Select(s => s.Split('=', 2))
                    .ToDictionary(kv => kv[0].Trim() is var name && (name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.Contains("__", StringComparison.Ordinal)) ? name : $"Payment__Posting__{name}",
                        kv => kv[1].Trim())))
                : ((string, Uri)?)null;
            failed += await SectionAsync(report, "Transfers (32 clients) on both posting paths and the same transfer as raw SQL",
                () => TransferBenchmark.RunAsync(suiteOptions with { Concurrency = 32, UnbatchedPayment = unbatched, EnginePayment = engine, PaymentLogin = stack.PaymentLogin, EngineVariant = variant }));
        }

        if (options.Suites.Contains("lag"))
        {
            failed += await SectionAsync(report, "Outbox-to-consumer lag", () => EventLagBenchmark.RunAsync(suiteOptions));
        }

        if (options.Suites.Contains("history"))
        {
            var apiKey = await stack.IssueUnthrottledRegulatorKeyAsync();
            failed += await SectionAsync(report, "History and regulator pages at 1M rows", () => HistoryBenchmark.RunAsync(suiteOptions with { Concurrency = 8, ApiKey = apiKey }));
        }

        await File.WriteAllTextAsync(output, report.ToString());
        Console.Error.WriteLine($"report written to {output}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs a suite with its console output copied into the report, followed by the CPU split during its first
    /// load row (setup such as registering users, Argon2-bound, is left out), or during the whole suite if it has none.
    /// </summary>
    private static async Task<int> SectionAsync(StringBuilder report, string title, Func<Task<int>> suite)
    {
        Console.Error.WriteLine($"running: {title}");
        var original = Console.Out;
        var captured = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(new TeeWriter(original, captured));
        var cpu = CpuSplit.Start();
        string? firstRow = null;
        string? cpuTable = null;
        void Starting(string row)
        {
            if (firstRow is null)
            {
                firstRow = row;
                cpu = CpuSplit.Start();
            }
        }

        void Finished(string row)
        {
            if (row == firstRow && cpuTable is null)
            {
                cpuTable = $"During \"{row}\": " + cpu.Stop();
            }
        }

        LoadRun.RowStarting += Starting;
        LoadRun.RowFinished += Finished;
        int exit;
        try
        {
            exit = await suite();
        }
        finally
        {
            LoadRun.RowStarting -= Starting;
            LoadRun.RowFinished -= Finished;
            Console.SetOut(original);
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        report.AppendLine();
        // Each suite prints its own "# ..." title line; in the report it becomes a plain description.
        report.AppendLine(captured.ToString().Replace("# OneGate ", "OneGate ", StringComparison.Ordinal).Trim());
        report.AppendLine();
        report.AppendLine(cpuTable ?? cpu.Stop());
        if (exit != 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"**This suite reported failures (exit code {exit}).**");
            report.AppendLine();
        }

        return exit == 0 ? 0 : 1;
    }

    private static async Task<string> MachineAsync(string postgres)
    {
        string Line(string file, string prefix) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', '=').Last().Trim().Trim('"') ?? "?" : "?";

        await using var db = new NpgsqlConnection(postgres);
        await db.OpenAsync();
        await using var version = new NpgsqlCommand("SHOW server_version", db);
        var text = new StringBuilder();
        text.AppendLine("## Machine");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {Line("/proc/cpuinfo", "model name")}, {Environment.ProcessorCount} cores visible");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Memory: {Line("/proc/meminfo", "MemTotal")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- OS: {Line("/etc/os-release", "PRETTY_NAME")}, .NET {Environment.Version}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- PostgreSQL {await version.ExecuteScalarAsync()}, Redis and the Kafka mock-cluster broker as local processes (Local mode)");
        text.AppendLine("- Everything — load generator, services, Postgres, Redis, Kafka, the Aspire orchestrator — shares these cores.");
        text.AppendLine();
        return text.ToString();
    }

    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }
    }
}
