using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace OneGate.Benchmarks;

/// <summary>
/// The whole app model booted for a benchmark report: Local mode (real Postgres, Redis and Kafka processes),
/// a throw-away data directory, no dashboard (it would take its own share of the 2 cores ingesting traces).
/// The services run in the configuration this harness was built in, so build it with -c Release.
/// </summary>
public sealed class BenchmarkStack : IAsyncDisposable
{
    private static readonly string[] Resources = ["postgres", "redis", "kafka", "auth", "payment", "transaction", "provider-sandbox"];

    private readonly DistributedApplication app;
    private readonly string dataDirectory;
    private readonly List<Process> replicas = [];

    private BenchmarkStack(DistributedApplication app, string dataDirectory, string postgres, string transactionProject)
    {
        this.app = app;
        this.dataDirectory = dataDirectory;
        Postgres = postgres;
        TransactionProject = transactionProject;
    }

    public string Postgres { get; }

    public string TransactionProject { get; }

    public Uri Endpoint(string resource) => app.GetEndpoint(resource, "http");

    /// <summary>ONEGATE_BENCH_PERF_MAP=1: the services write perf maps, for `perf record` during a run.</summary>
    public static bool PerfMap => Environment.GetEnvironmentVariable("ONEGATE_BENCH_PERF_MAP") == "1";

    public static async Task<BenchmarkStack> StartAsync(double traceSampling)
    {
        var dataDirectory = Path.Combine("/var/tmp", $"onegate-bench-{Guid.NewGuid():N}");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OneGate_AppHost>(
            ["--OneGate:Infrastructure=Local", $"--OneGate:DataDirectory={dataDirectory}"],
            (options, _) =>
            {
                options.DisableDashboard = true;
                options.AllowUnsecuredTransport = true;
            });
        var transactionProject = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "transaction")
            .GetProjectMetadata().ProjectPath;
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            // Replaces the development always_on that Aspire sets (callbacks run in order; this one is last).
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
                .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", traceSampling.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (PerfMap)
            {
                // For `perf record` during a run: the JIT's symbols in /tmp/perf-<pid>.map, and its code mapped once (the
                // write-xor-execute double mapping hides it from perf).
                builder.CreateResourceBuilder(project)
                    .WithEnvironment("DOTNET_PerfMapEnabled", "1")
                    .WithEnvironment("DOTNET_EnableWriteXorExecute", "0");
            }
        }

        // The load goes to Payment itself, not through the orchestrator's development TCP proxy (an extra process and
        // hop per request that no deployment has; Kong's cost is a gateway benchmark of its own).
        // Auth too: its registration flood comes from many client addresses, which the proxy would make one.
        // On ports of their own rather than the launch profiles' (5101, 5102), which another stack on the machine may hold.
        foreach (var direct in new[] { "payment", "auth" })
        {
            builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == direct))
                .WithEndpoint("http", e =>
                {
                    e.IsProxied = false;
                    e.Port = e.TargetPort = FreePort();
                });
        }

        // Statements per transfer (pg_stat_statements needs preloading; local/postgres.sh passes PG_PRELOAD on) and
        // the posting engine's batch sizes (Payment's /metrics).
        builder.CreateResourceBuilder(builder.Resources.OfType<IResourceWithEnvironment>().Single(r => r.Name == "postgres"))
            .WithEnvironment("PG_PRELOAD", "pg_stat_statements");
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "payment"))
            .WithEnvironment("OneGate__Metrics__PrometheusEndpoint", "true")
            .WithEnvironment(context =>
            {
                // The engine's settings of this run (e.g. Payment__Posting__Writers=2), to compare settings report by report.
                foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                    .Select(e => ((string)e.Key, (string?)e.Value)).Where(e => e.Item1.StartsWith("Payment__Posting__", StringComparison.Ordinal)))
                {
                    context.EnvironmentVariables[name] = value ?? "";
                }
            });
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        // Every service's schema (table names are unique across them), so the benchmarks' SQL names tables unqualified.
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync("postgres", timeout.Token)
            ?? throw new InvalidOperationException("postgres has no connection string")) { SearchPath = "payment,transaction,auth" }.ConnectionString;
        var paymentResource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == "payment");
#pragma warning disable CS0618
        var paymentLogin = new Npgsql.NpgsqlConnectionStringBuilder((await paymentResource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run))
            ["ConnectionStrings__onegate"]).Username!;
#pragma warning restore CS0618
        return new BenchmarkStack(app, dataDirectory, postgres, transactionProject) { PaymentLogin = paymentLogin };
    }

    /// <summary>Payment's own database login (its statements are counted per transfer).</summary>
    public string PaymentLogin { get; private set; } = "";

    /// <summary>
    /// A Payment replica, a process of the same build with the app's Payment environment and
    /// <c>Payment:Posting:Batched=false</c> (one database transaction per transfer, the path before the posting engine),
    /// so both paths are measured in one run on the same database. Stopped with the stack.
    /// </summary>
    public Task<Uri> StartUnbatchedPaymentAsync() => StartPaymentReplicaAsync(new Dictionary<string, string> { ["Payment__Posting__Batched"] = "false" });

    /// <summary>
    /// A Payment replica, a process of the same build with the app's Payment environment and these settings (none: the
    /// engine as configured; or another posting-engine setting, measured beside it in the same run). Stopped with the stack.
    /// </summary>
    public async Task<Uri> StartPaymentReplicaAsync(IReadOnlyDictionary<string, string> settings)
    {
        var payment = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == "payment");
#pragma warning disable CS0618 // the shortcut to what the orchestrator passes the process, as the tests use it
        var environment = await payment.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var project = payment.GetProjectMetadata().ProjectPath;
        // In the project's directory, as the orchestrator starts the app's Payment: the content root is the working
        // directory, and without appsettings.json there a replica logs every request and SQL command at Information.
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(Path.GetDirectoryName(project)!, "bin", BuildConfiguration, "net10.0", Path.GetFileNameWithoutExtension(project) + ".dll")])
        { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(project)! };
        foreach (var (name, value) in environment.Where(e => !e.Key.EndsWith("HTTP_PORTS", StringComparison.Ordinal)))
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var replica = Process.Start(start)!;
        replicas.Add(replica);
        replica.OutputDataReceived += (_, _) => { };
        replica.ErrorDataReceived += (_, _) => { };
        replica.BeginOutputReadLine();
        replica.BeginErrorReadLine();
        await WaitHealthyAsync(address, replica);
        return address;
    }

    private static async Task WaitHealthyAsync(Uri address, Process process)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited; await Task.Delay(250))
        {
            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }

        throw new InvalidOperationException($"The Payment replica did not become healthy at {address}.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Issues a regulator key with limits high enough not to throttle a latency measurement.</summary>
    public async Task<string> IssueUnthrottledRegulatorKeyAsync()
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "run", "--no-build", "--no-launch-profile", "-c", BuildConfiguration, "--project", TransactionProject, "--",
            "keys", "create", "--service", "OJK", "--name", "benchmark", "--per-minute", "10000000", "--per-hour", "100000000", "--per-day", "1000000000",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ConnectionStrings__onegate"] = new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = "onegate" }.ConnectionString;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("og_live_", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"keys create failed ({process.ExitCode}): {output} {error}");
    }

    private static string BuildConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in replicas)
        {
            if (!replica.HasExited)
            {
                replica.Kill(entireProcessTree: true);
                await replica.WaitForExitAsync();
            }

            replica.Dispose();
        }

        await app.StopAsync();
        await app.DisposeAsync();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
