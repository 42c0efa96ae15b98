using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneGate.Tests.Support;

/// <summary>
/// Stops and starts a resource of the running app through Aspire's resource commands (what the dashboard's
/// Stop/Start buttons do: a graceful stop, then a fresh process), and waits for every replica of it.
/// </summary>
public static class ResourceControl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task StopAsync(this OneGateAppFixture fixture, string name)
    {
        await ExecuteAsync(fixture, name, KnownResourceCommands.StopCommand);
        await WaitForEveryInstanceAsync(fixture, name, s => s.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state));
    }

    /// <summary>Starts it again and returns once every replica is Running and Healthy.</summary>
    public static async Task StartAsync(this OneGateAppFixture fixture, string name)
    {
        await ExecuteAsync(fixture, name, KnownResourceCommands.StartCommand);
        await WaitForEveryInstanceAsync(fixture, name, s => s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy);
    }

    /// <summary>Waits until every replica's latest snapshot satisfies the predicate.</summary>
    public static async Task WaitForEveryInstanceAsync(OneGateAppFixture fixture, string name, Func<CustomResourceSnapshot, bool> predicate)
    {
        var resource = Resource(fixture, name);
        var replicas = resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await foreach (var e in fixture.App.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (e.Resource.Name != name)
                {
                    continue;
                }

                latest[e.ResourceId] = e.Snapshot;
                if (latest.Count >= replicas && latest.Values.All(predicate))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"{name} ({string.Join(", ", latest.Select(l => $"{l.Key}: {l.Value.State?.Text}/{l.Value.HealthStatus}"))}) " +
                                           $"did not reach the expected state in {Timeout}\n{fixture.DescribeLogs(20)}");
    }

    private static async Task ExecuteAsync(OneGateAppFixture fixture, string name, string command)
    {
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var timeout = new CancellationTokenSource(Timeout);
        var result = await commands.ExecuteCommandAsync(Resource(fixture, name), command, timeout.Token);
        Assert.True(result.Success, $"{command} {name}: {result.Message}");
    }

    private static IResource Resource(OneGateAppFixture fixture, string name) =>
        fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);
}
