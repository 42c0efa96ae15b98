using System.Net;
using System.Net.Sockets;

namespace OneGate.KafkaBroker;

/// <summary>
/// Accepts on a fixed local port and pipes each connection to the mock broker's ephemeral port,
/// because librdkafka's mock listeners cannot be bound to a chosen port.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;

    public TcpForwarder(IPEndPoint listenOn, IPEndPoint target)
    {
        _listener = new TcpListener(listenOn);
        _target = target;
    }

    /// <summary>Binds the listening socket (throws if the port is taken) and starts accepting.</summary>
    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException) when (ct.IsCancellationRequested)
            {
                break;
            }

            _ = PipeAsync(client, ct);
        }
    }

    private async Task PipeAsync(Socket client, CancellationToken ct)
    {
        using (client)
        using (var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            // Kafka is request/response with small frames; Nagle would add latency on every hop.
            client.NoDelay = true;
            upstream.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_target, ct);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
                Task toBroker = CopyAsync(client, upstream, linked.Token);
                Task toClient = CopyAsync(upstream, client, linked.Token);

                // Kafka does not half-close, so when either side is done, tear down both.
                await Task.WhenAny(toBroker, toClient);
                await linked.CancelAsync();
                await Task.WhenAll(toBroker, toClient);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // Connection refused, reset or shutting down: dropping the client is the right outcome.
            }
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, CancellationToken ct)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // Peer went away or we are tearing down; the caller closes both sockets.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
