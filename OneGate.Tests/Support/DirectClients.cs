using System.Net;
using System.Net.Sockets;

namespace OneGate.Tests.Support;

/// <summary>
/// HTTP clients that reach a service's own Kestrel port from a chosen loopback address, so a test can act as
/// many distinct clients. Through the orchestrator's proxy (<see cref="OneGateAppFixture.CreateClient"/>) every
/// caller arrives from 127.0.0.1, and in Local mode no proxy header is trusted. Linux routes all of 127.0.0.0/8
/// to loopback, so any address in it can be a socket's source.
/// </summary>
public static class DirectClients
{
    // Each call gets an address no other test has used in this run: counters in Redis live for the whole run.
    // 250 host numbers (2..251) per third byte, 256 third bytes per second byte, from 127.1.0.2 on.
    private static int issued;

    public static IPAddress NewAddress()
    {
        var n = Interlocked.Increment(ref issued) - 1;
        return new IPAddress([127, (byte)(1 + (n / (250 * 256))), (byte)(n / 250 % 256), (byte)((n % 250) + 2)]);
    }

    /// <summary>A client of the resource's first replica, connecting from <paramref name="source"/>.</summary>
    public static HttpClient Create(OneGateAppFixture fixture, string resource, IPAddress source)
    {
        var port = TargetPort(fixture, resource);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(fixture.Conformance.Wrap(resource, handler)) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The port the service itself listens on, from the URL the orchestrator gave it.</summary>
    private static int TargetPort(OneGateAppFixture fixture, string resource)
    {
        if (!fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state))
        {
            throw new InvalidOperationException($"No state for {resource}");
        }

        var urls = state.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value
            ?? throw new InvalidOperationException($"{resource} has no ASPNETCORE_URLS: " +
                                                   string.Join(", ", state.Snapshot.EnvironmentVariables.Select(e => $"{e.Name}={e.Value}")));
        return new Uri(urls.Split(';')[0].Replace("localhost", "127.0.0.1", StringComparison.Ordinal)).Port;
    }
}
