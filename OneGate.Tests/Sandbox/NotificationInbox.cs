using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OneGate.Tests.Sandbox;

/// <summary>
/// A partner's notify URL inside the test process: records every service-56 request the sandbox sends and answers
/// with the scripted answers in order, then <c>200 {"responseCode":"2005600"}</c> (accepted).
/// </summary>
public sealed class NotificationInbox : IAsyncDisposable
{
    private const string AcceptedBody = """{"responseCode":"2005600","responseMessage":"Successful"}""";
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<(int Status, string Body)> scripted = new();
    private readonly ConcurrentQueue<ReceivedNotification> received = new();
    private readonly Task loop;

    public NotificationInbox()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Root = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }

        listener.Prefixes.Add(Root + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Root { get; }

    /// <summary>The notify URL to give in a charge's urlParams.</summary>
    public string NotifyUrl => Root + "/v1.0/debit/notify";

    public IReadOnlyList<ReceivedNotification> Received => [.. received];

    /// <summary>The next requests get these answers (then the default acceptance).</summary>
    public void AnswerNext(int status, string body) => scripted.Enqueue((status, body));

    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (received.Count < count && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(100);
        }

        return Received;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            received.Enqueue(new ReceivedNotification(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray()));

            var (status, answer) = scripted.TryDequeue(out var next) ? next : (200, AcceptedBody);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
