using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OneGate.Tests.Regulators;

namespace OneGate.Tests.Payment.Posting;

/// <summary>
/// A second Payment replica, as a process of the service's own build on the test app's database and configuration,
/// with <c>Payment:Posting:Batched=false</c>: the path of one database transaction per request (as before the posting
/// engine), so the ledger's tests run against both settings for as long as the switch exists. Started on the first
/// request of a client it gives out; stopped with the class fixture.
/// </summary>
public sealed class UnbatchedPayment : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly SemaphoreSlim starting = new(1, 1);
    private readonly Uri address = new($"http://127.0.0.1:{FreePort()}");
    private Process? process;

    public HttpClient CreateClient(OneGateAppFixture fixture) =>
        new(new StartingHandler(() => StartAsync(fixture)) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private async Task StartAsync(OneGateAppFixture fixture)
    {
        await starting.WaitAsync();
        try
        {
            if (process is not null)
            {
                return;
            }

            // In its build output, so its content root has the app's appsettings.json (log levels) as the app's Payment does.
            var dll = RegulatorKeys.ServiceDll("OneGate.Payment");
            var start = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
            foreach (var (name, value) in await fixture.ResourceEnvironmentAsync("payment"))
            {
                start.Environment[name] = value;
            }

            // Its own port; no telemetry export (the app's Payment metrics are what the metrics tests count).
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.EndsWith("HTTP_PORTS", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["ASPNETCORE_URLS"] = address.ToString();
            start.Environment["Payment__Posting__Batched"] = "false";
            process = Process.Start(start)!;
            await WaitHealthyAsync();
        }
        finally
        {
            starting.Release();
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline && !process!.HasExited)
            {
            }

            if (DateTimeOffset.UtcNow >= deadline || process!.HasExited)
            {
                throw new InvalidOperationException($"The unbatched Payment replica did not become healthy at {address} (exited: {process!.HasExited}).");
            }

            await Task.Delay(250);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class StartingHandler(Func<Task> start) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await start();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
