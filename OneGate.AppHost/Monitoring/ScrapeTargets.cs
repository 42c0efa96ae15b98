using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OneGate.AppHost.Monitoring;

/// <summary>
/// Keeps Prometheus's file_sd files (<c>{job}.json</c>) equal to the running instances: each replica of a service is
/// its own target (through the orchestrator's proxy a scrape would land on either replica, mixing their counters),
/// found at the address it listens on, which the orchestrator chooses when it starts it.
/// </summary>
internal sealed class ScrapeTargets(ResourceNotificationService notifications, ScrapeTargets.Plan plan, ILogger<ScrapeTargets> logger)
    : BackgroundService
{
    /// <param name="Directory">Where the files are written.</param>
    /// <param name="Jobs">The resources to follow, each its own job.</param>
    public sealed record Plan(string Directory, IReadOnlyList<string> Jobs);

    private readonly Dictionary<string, (string Job, string Address)> running = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var job in plan.Jobs)
        {
            await WriteAsync(job);
        }

        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (plan.Jobs.Contains(update.Resource.Name) && Track(update))
                {
                    await WriteAsync(update.Resource.Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Records the instance's address while it runs; true when the job's targets changed.</summary>
    private bool Track(ResourceEvent update)
    {
        var address = update.Snapshot.State?.Text == KnownResourceStates.Running ? ListeningAddress(update.Snapshot) : null;
        if (address is null)
        {
            return running.Remove(update.ResourceId);
        }

        if (running.TryGetValue(update.ResourceId, out var known) && known.Address == address)
        {
            return false;
        }

        running[update.ResourceId] = (update.Resource.Name, address);
        return true;
    }

    /// <summary>host:port the instance itself listens on (a replica's own port, not the proxy's).</summary>
    private static string? ListeningAddress(CustomResourceSnapshot snapshot)
    {
        var url = snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0]
            ?? snapshot.Urls.FirstOrDefault(u => u.Name == "http" && !u.IsInternal)?.Url;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        return $"{(uri.Host == "localhost" ? "127.0.0.1" : uri.Host)}:{uri.Port}";
    }

    /// <summary>Replaces the job's file in one step (Prometheus may read it at any moment).</summary>
    private async Task WriteAsync(string job)
    {
        var targets = running.Values.Where(r => r.Job == job).Select(r => r.Address).Order(StringComparer.Ordinal).ToArray();
        var file = MonitoringConfig.TargetsFile(plan.Directory, job);
        await File.WriteAllTextAsync(file + ".tmp", JsonSerializer.Serialize(new[] { new { targets } }));
        File.Move(file + ".tmp", file, overwrite: true);
        logger.LogDebug("Prometheus targets of {Job}: {Targets}", job, string.Join(", ", targets));
    }
}
