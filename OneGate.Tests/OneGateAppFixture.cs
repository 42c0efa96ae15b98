using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneGate.Tests.Support;
using OneGate.Tests.Support.Conformance;

[assembly: OneGate.Tests.Support.AssemblyFixture(typeof(OneGate.Tests.OneGateAppFixture))]

namespace OneGate.Tests;

/// <summary>
/// Boots the real AppHost once per test run in Local mode (real Postgres, Redis and Kafka processes)
/// with a fresh data directory, and tears it all down at the end. Resource logs are kept here, not printed:
/// if start-up fails, the exception carries every resource's state and the tail of its log so CI output says
/// why; <c>ONEGATE_TEST_LOGS</c> shows them otherwise (<see cref="DisposeAsync"/>). A collection that needs an
/// app of its own (e.g. one it kills parts of) derives from it and adjusts the model in <see cref="Configure"/>.
/// </summary>
public class OneGateAppFixture : IAsyncLifetime
{
    public static readonly string[] InfrastructureResources = ["postgres", "redis", "kafka", "prometheus", "alertmanager"];
    public static readonly string[] ServiceResources = ["auth", "payment", "transaction", "provider-sandbox"];

    /// <summary>The back-office console: a web app of pages, not an API (no problem documents, no OpenAPI).</summary>
    public static readonly string[] ConsoleResources = ["backoffice"];

    /// <summary>Each service's migrate step: runs to completion before its service starts (logged and described, not health-checked).</summary>
    public static readonly string[] MigrateResources = ["auth-migrate", "payment-migrate", "transaction-migrate"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> logs = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly string dataDirectory = Path.Combine("/var/tmp", $"onegate-test-{Guid.NewGuid():N}");
    private DistributedApplication? app;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The app has not started");

    /// <summary>What the Payment service's OpenTelemetry SDK exports (its OTLP endpoint points here).</summary>
    public OtlpMetricsReceiver PaymentTelemetry { get; } = new();

    /// <summary>The application_name of the tests' own database sessions, so a fault test can spare them.</summary>
    public const string TestSessionName = "onegate-tests";

    /// <summary>
    /// The bootstrap superuser's connection, for tests only (inspecting any table, terminating sessions). No service
    /// gets it: each connects with its own login (<see cref="ServiceConnectionStringAsync"/>). It searches every
    /// service's schema (table names are unique across them but for <c>audit_events</c>, Auth's, Payment's and Transaction's: auth comes
    /// first, so the unqualified name is Auth's; the others are <c>payment.audit_events</c>, <c>transaction.audit_events</c>), so tests name tables unqualified.
    /// </summary>
    public async Task<string> DatabaseConnectionStringAsync() =>
        new Npgsql.NpgsqlConnectionStringBuilder(await App.GetConnectionStringAsync("postgres"))
        {
            ApplicationName = TestSessionName,
            SearchPath = "auth,payment,transaction",
        }.ConnectionString;

    /// <summary>
    /// A connection string exactly as the AppHost gives it to a process, e.g. ("payment", "onegate"),
    /// ("payment-migrate", "onegate-migrator") or ("transaction", "redis"): the least-privilege tests use the services' own logins.
    /// </summary>
    public async Task<string> ServiceConnectionStringAsync(string resource, string name) =>
        (await ResourceEnvironmentAsync(resource))[$"ConnectionStrings__{name}"];

    /// <summary>The environment the AppHost gives a project resource's process (a service, or its migrate step).</summary>
    public async Task<Dictionary<string, string>> ResourceEnvironmentAsync(string name)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == name);
        // The test-only shortcut to what the orchestrator passes the process (its replacement needs the orchestrator's
        // execution pipeline).
#pragma warning disable CS0618
        return await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
    }

    /// <summary>The value of one of the AppHost's parameters (e.g. a generated password).</summary>
    public async Task<string> ParameterAsync(string name) =>
        await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name)
            .GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"{name} has no value");

    /// <summary>The services' published OpenAPI documents and what the clients of this app found contradicting them.</summary>
    public ContractConformance Conformance { get; } = new();

    /// <summary>A client of the resource; for Auth, Payment and Transaction every exchange is checked against the
    /// service's OpenAPI document (<see cref="ContractValidatingHandler"/>).</summary>
    public HttpClient CreateClient(string resource)
    {
        var handlers = App.Services.GetRequiredService<IHttpMessageHandlerFactory>();
        // The factory's handler ignores Dispose (it is pooled), exactly as in App.CreateHttpClient.
        return new HttpClient(Conformance.Wrap(resource, handlers.CreateHandler()))
        {
            BaseAddress = App.GetEndpoint(resource, "http"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OneGate_AppHost>(
            [
                "--OneGate:Infrastructure=Local",
                $"--OneGate:DataDirectory={dataDirectory}",
                // Prometheus scrapes and evaluates every 2 s, holds alerts 2 s and looks back at most 20 s, so an alert
                // reaches Alertmanager within a test, and earlier tests' errors are out of its rules' view within
                // seconds (Observability/LiveAlertTests).
                "--OneGate:Monitoring:Interval=00:00:02",
                "--OneGate:Monitoring:MaxAlertHold=00:00:02",
                "--OneGate:Monitoring:MaxRangeWindow=00:00:20",
            ],
            (options, _) =>
            {
                options.DisableDashboard = true;
                options.AllowUnsecuredTransport = true;
            });
        QuietLogging(builder);

        // Short clocks so provider scenarios (timeouts, late callbacks, reconciliation) settle within a test.
        Project(builder, "payment")
            .WithEnvironment("Payment__Reconciliation__Interval", "00:00:01")
            .WithEnvironment("Payment__Reconciliation__PendingFor", "00:00:03")
            .WithEnvironment("Payment__Reconciliation__GiveUpAfter", "00:00:08")
            .WithEnvironment("Providers__AttemptTimeout", "00:00:02")
            .WithEnvironment("Providers__TotalTimeout", "00:00:05")
            .WithEnvironment("Providers__MaxRetryAttempts", "1")
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", PaymentTelemetry.Endpoint)
            .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "500");
        // Argon2id at the smallest cost Auth accepts (8 MiB, one pass; production: 19 MiB, two): Auth, mostly hashing,
        // took a quarter of the tier's CPU. The lines, priorities and refusals the tests prove do not depend on the
        // cost; the cost itself is the auth-flood benchmark's to measure (docs/performance.md).
        Project(builder, "auth")
            .WithEnvironment("Auth__Passwords__MemoryKiB", "8192")
            .WithEnvironment("Auth__Passwords__Iterations", "1");
        // Outbox pruning and dead-letter redaction every second, in small steps, so their tests see them at work.
        foreach (var relay in new[] { "payment", "auth" })
        {
            Project(builder, relay).WithEnvironment("Outbox__PruneInterval", "00:00:01").WithEnvironment("Outbox__PruneBatchSize", "10");
        }

        // Rotated keys keep working 8 s instead of a day, so Backoffice/RegulatorKeyAdminTests sees the grace end.
        Project(builder, "transaction").WithEnvironment("DeadLetters__RedactionInterval", "00:00:01").WithEnvironment("Regulators__KeyRotationGrace", "00:00:08");
        Project(builder, "provider-sandbox")
            .WithEnvironment("Sandbox__Scenarios__TimeoutDelay", "00:00:08")
            .WithEnvironment("Sandbox__Scenarios__CallbackDelay", "00:00:01")
            .WithEnvironment("Sandbox__Scenarios__SettleDelay", "00:00:01")
            .WithEnvironment("Sandbox__Scenarios__LateSuccessDelay", "00:00:12");
        Configure(builder);

        // Access-log rows wait up to 5 s for their batch, so a test can stop the service with rows still queued.
        Project(builder, "transaction").WithEnvironment("Regulators__AccessLogMaxDelay", "00:00:05");

        app = await builder.BuildAsync();
        CaptureLogs(app);

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app.StartAsync(timeout.Token);
            await WaitForAllHealthyAsync(timeout.Token);
            await Conformance.LoadAsync(app, timeout.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The OneGate app did not become healthy: {ex.Message}\n{await DescribeStatesAsync()}{DescribeLogs()}", ex);
        }
    }

    /// <summary>
    /// The test host's console carries the test runner's results only. Resource logs are forwarded to it only with
    /// <c>ONEGATE_TEST_LOGS=console</c> (the fixture keeps their tails for a failed start either way); the host's
    /// own HTTP clients log warnings, not every request; a resource failing its health check while it starts, or
    /// while a test has stopped it, is expected (a start that never succeeds reports the checks' state).
    /// </summary>
    private static void QuietLogging(IDistributedApplicationTestingBuilder builder)
    {
        var forward = Environment.GetEnvironmentVariable("ONEGATE_TEST_LOGS") == "console";
        builder.Services.AddLogging(logging => logging
            .AddFilter($"{builder.Environment.ApplicationName}.Resources", forward ? LogLevel.Information : LogLevel.None)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical));
    }

    /// <summary>Each resource's state and health checks as Aspire last reported them (for a failed start).</summary>
    private async Task<string> DescribeStatesAsync()
    {
        var text = new StringBuilder();
        foreach (var resource in InfrastructureResources.Concat(MigrateResources).Concat(ServiceResources).Concat(ConsoleResources))
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var snapshot = (await App.ResourceNotifications.WaitForResourceAsync(resource, _ => true, quick.Token)).Snapshot;
                var checks = string.Join("; ", snapshot.HealthReports.Select(r => $"{r.Name} {r.Status}: {r.Description} {r.ExceptionText}"));
                text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{resource}: {snapshot.State?.Text}, {snapshot.HealthStatus}; {checks}");
            }
            catch (OperationCanceledException)
            {
                text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{resource}: no state reported");
            }
        }

        return text.ToString();
    }

    /// <summary>Every resource of the app is Healthy (at start, and after a test has restarted parts of it).</summary>
    public async Task WaitForAllHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in InfrastructureResources.Concat(ServiceResources).Concat(ConsoleResources))
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
        }
    }

    /// <summary>Adjusts the app model after the shared test settings, before it is built.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    protected static IResourceBuilder<ProjectResource> Project(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == name));

    /// <summary>The last lines each resource logged (for failure messages).</summary>
    public string DescribeLogs(int linesPerResource = 40)
    {
        var text = new StringBuilder();
        foreach (var (resource, lines) in logs.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"----- {resource} -----");
            foreach (var line in lines.TakeLast(linesPerResource))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    private void CaptureLogs(DistributedApplication application)
    {
        var loggerService = application.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in InfrastructureResources.Concat(MigrateResources).Concat(ServiceResources).Concat(ConsoleResources))
        {
            var queue = logs.GetOrAdd(resource, _ => new ConcurrentQueue<string>());
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in loggerService.WatchAsync(resource).WithCancellation(stopping.Token))
                    {
                        foreach (var line in batch)
                        {
                            queue.Enqueue(line.Content);
                            while (queue.Count > 500 && queue.TryDequeue(out _))
                            {
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }
    }

    public async Task DisposeAsync()
    {
        // For a developer chasing a failure: ONEGATE_TEST_LOGS=<file> keeps the last lines of every resource's log
        // (=console streams them to the test output instead, see QuietLogging).
        if (Environment.GetEnvironmentVariable("ONEGATE_TEST_LOGS") is { Length: > 0 } logFile && logFile != "console")
        {
            await File.WriteAllTextAsync(logFile, DescribeLogs(linesPerResource: 500));
        }

        await stopping.CancelAsync();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        stopping.Dispose();
        await PaymentTelemetry.DisposeAsync();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        // Any test's exchange that contradicts a published OpenAPI document fails the run here (xunit reports a
        // cleanup failure), so no test can quietly break the documents.
        var violations = Conformance.Violations.Since(0);
        if (violations.Count > 0)
        {
            // Also in a file: a cleanup failure's message is not printed at every logger verbosity.
            var report = $"{violations.Count} exchanges contradicted the services' OpenAPI documents:\n{ContractViolations.Describe(violations)}";
            var reportFile = Path.Combine(AppContext.BaseDirectory, $"openapi-violations-{Path.GetFileName(dataDirectory)}.txt");
            await File.WriteAllTextAsync(reportFile, report);
            throw new InvalidOperationException($"{report}(also in {reportFile})");
        }
    }
}

/// <summary>Tests of the shared app (an assembly fixture: <see cref="AssemblyFixtureFramework"/>), one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class OneGateAppCollection : ICollectionFixture<OneGateAppFixture>
{
    public const string Name = "OneGate app";
}
