using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OneGate.KafkaBroker;

// A single-broker Kafka for local runs: librdkafka's mock cluster behind a fixed port.
// Env: KAFKA_PORT (required), KAFKA_ADVERTISED_HOST (127.0.0.1), KAFKA_ADVERTISED_PORT (KAFKA_PORT),
//      KAFKA_TOPICS ("name:partitions,..."; partitions default to 1).

int port;
string advertisedHost;
int advertisedPort;
List<(string Name, int Partitions)> topics;
try
{
    port = ParsePort("KAFKA_PORT", Env("KAFKA_PORT"));
    advertisedHost = Env("KAFKA_ADVERTISED_HOST") ?? "127.0.0.1";
    advertisedPort = Env("KAFKA_ADVERTISED_PORT") is { } ap ? ParsePort("KAFKA_ADVERTISED_PORT", ap) : port;
    topics = ParseTopics(Env("KAFKA_TOPICS"));
}
catch (FormatException e)
{
    Console.Error.WriteLine($"kafka mock broker: {e.Message}");
    return 2;
}

using var stopping = new CancellationTokenSource();

// Cancel the default termination so the native cluster is torn down in order, then exit 0.
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

try
{
    // Disposed last (end of this block): the cluster must outlive the forwarder's connections.
    using var cluster = new MockCluster();
    foreach ((string name, int partitions) in topics)
    {
        cluster.CreateTopic(name, partitions);
    }

    // Advertise before accepting anyone: a client that saw the ephemeral port in its first Metadata
    // response would keep bypassing the forwarder (and any proxy in front of it).
    cluster.Advertise(advertisedHost, advertisedPort);

    var brokerEndpoint = IPEndPoint.Parse(cluster.Bootstraps.Split(',')[0]);
    await using var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Loopback, port), brokerEndpoint);
    forwarder.Start();

    string topicList = topics.Count == 0 ? "(none)" : string.Join(", ", topics.Select(t => $"{t.Name}[{t.Partitions}]"));
    Console.WriteLine(
        $"kafka mock broker ready on 127.0.0.1:{port} (advertised {advertisedHost}:{advertisedPort}), " +
        $"topics: {topicList}; librdkafka {MockCluster.LibrdkafkaVersion} from {Native.LoadedFrom ?? "default probing"}, " +
        $"mock listener {brokerEndpoint}");

    try
    {
        await Task.Delay(Timeout.Infinite, stopping.Token);
    }
    catch (OperationCanceledException)
    {
    }

    Console.WriteLine("kafka mock broker stopping");
}
catch (Exception e) when (e is SocketException or InvalidOperationException or DllNotFoundException)
{
    Console.Error.WriteLine($"kafka mock broker failed to start: {e.Message}");
    return 1;
}

return 0;

static string? Env(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;

static int ParsePort(string name, string? value) =>
    int.TryParse(value, out int p) && p is > 0 and <= 65535
        ? p
        : throw new FormatException($"{name} must be a TCP port (1-65535), got '{value}'");

static List<(string Name, int Partitions)> ParseTopics(string? value)
{
    var result = new List<(string, int)>();
    foreach (string entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        string[] parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
        int partitions = 1;
        if (parts[0].Length == 0 || (parts.Length == 2 && (!int.TryParse(parts[1], out partitions) || partitions < 1)))
        {
            throw new FormatException($"KAFKA_TOPICS entry '{entry}' is not 'name:partitions'");
        }

        result.Add((parts[0], partitions));
    }

    return result;
}
