using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneGate.Tests.Chaos;

/// <summary>One injected fault: from the moment it began until everything answered healthy again.</summary>
public sealed record FaultWindow(string Fault, DateTimeOffset Started, DateTimeOffset Recovered, string Detail)
{
    public TimeSpan Duration => Recovered - Started;
}

/// <summary>
/// Injects faults through Aspire: SIGKILL of a service's process (pid from its resource snapshot) and a start
/// command, restarts of the infrastructure executables by the restart command, and the provider sandbox's
/// fault switch. Each fault is over when every resource is Healthy again.
/// </summary>
public sealed class FaultInjector(OneGateAppFixture fixture, HttpClient sandbox)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(2);
    private readonly List<FaultWindow> windows = [];

    public IReadOnlyList<FaultWindow> Windows => windows;

    /// <summary>Latency and failures at both e-wallets for a while; the window ends when the fault expires.</summary>
    public async Task SlowAndFailingProviderAsync(TimeSpan duration, int latencyMs, double failureRate)
    {
        var started = DateTimeOffset.UtcNow;
        using var response = await sandbox.PostAsJsonAsync("/sandbox/faults", new { latencyMs, failureRate, durationSeconds = (int)duration.TotalSeconds });
        response.EnsureSuccessStatusCode();
        // Requests that began during the fault may still be waiting out its latency.
        windows.Add(new FaultWindow("provider sandbox slow + failing", started, started + duration + TimeSpan.FromMilliseconds(latencyMs),
            string.Create(CultureInfo.InvariantCulture, $"{latencyMs} ms latency, {failureRate:P0} of requests answered 500 (SNAP 5xx), {duration.TotalSeconds:0} s")));
    }

    /// <summary>kill -9 the resource's process, then start it again with the resource command.</summary>
    public async Task KillAndStartAsync(string resource)
    {
        var started = DateTimeOffset.UtcNow;
        var pid = Pid(resource);
        // The resource's process is `dotnet run`, the service is its child: SIGKILL both (no shutdown hooks;
        // in-flight requests and database transactions die with them).
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(RecoveryTimeout);
        await fixture.App.ResourceNotifications.WaitForResourceAsync(resource, e => PidOf(e) != pid || e.Snapshot.State?.Text is not "Running", timeout.Token);
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
        await WaitRecoveredAsync(resource, pid, timeout.Token);
        windows.Add(new FaultWindow($"SIGKILL {resource}", started, DateTimeOffset.UtcNow, $"pid {pid} killed, started again as {Pid(resource)}"));
    }

    /// <summary>Stop and start through the resource command (a graceful SIGTERM, as an operator's restart).</summary>
    public async Task RestartAsync(string resource)
    {
        var started = DateTimeOffset.UtcNow;
        var pid = Pid(resource);
        using var timeout = new CancellationTokenSource(RecoveryTimeout);
        await ExecuteAsync(resource, KnownResourceCommands.RestartCommand, timeout.Token);
        await WaitRecoveredAsync(resource, pid, timeout.Token);
        windows.Add(new FaultWindow($"restart {resource}", started, DateTimeOffset.UtcNow, $"pid {pid} → {Pid(resource)}"));
    }

    private async Task ExecuteAsync(string resource, string command, CancellationToken ct)
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, command, ct);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {resource} failed: {result.Message}");
        }
    }

    /// <summary>A new process of the resource is up, and every resource of the app is Healthy.</summary>
    private async Task WaitRecoveredAsync(string resource, int oldPid, CancellationToken ct)
    {
        await fixture.App.ResourceNotifications.WaitForResourceAsync(resource,
            e => PidOf(e) is { } pid && pid != oldPid && e.Snapshot.State?.Text == "Running" && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        await fixture.WaitForAllHealthyAsync(ct);
    }

    private int Pid(string resource) =>
        fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state) && PidOf(state) is { } pid
            ? pid
            : throw new InvalidOperationException($"{resource} has no process id in its snapshot");

    private static int? PidOf(ResourceEvent e) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;
}
