using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OneGate.Tests.Support;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) endpoint inside the test process, so tests can read what a service's
/// OpenTelemetry SDK really exports. It keeps the latest value of every number data point (sums and gauges) and
/// every histogram's count by metric name and attributes; traces and logs are accepted and dropped. Only the protobuf fields of
/// ExportMetricsServiceRequest it needs are decoded.
/// </summary>
public sealed class OtlpMetricsReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<(string Metric, string Attributes), (double Value, DateTimeOffset ReceivedAt)> points = new();
    private readonly Task loop;

    public OtlpMetricsReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }

        listener.Prefixes.Add(Endpoint + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The value for OTEL_EXPORTER_OTLP_ENDPOINT (with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf).</summary>
    public string Endpoint { get; }

    /// <summary>
    /// The sum of the latest values of a metric's series whose attributes include all of <paramref name="having"/>
    /// (cumulative counters: the total so far), received at or after <paramref name="since"/>; null if none.
    /// </summary>
    public double? Value(string metric, DateTimeOffset since, params (string Key, string Value)[] having)
    {
        var wanted = having.Select(a => $"{a.Key}={a.Value}").ToList();
        var matching = points.Where(p => p.Key.Metric == metric && p.Value.ReceivedAt >= since
                                         && wanted.All(w => p.Key.Attributes.Split(',').Contains(w)))
            .Select(p => p.Value.Value).ToList();
        return matching.Count == 0 ? null : matching.Sum();
    }

    /// <summary>When the latest metrics export arrived.</summary>
    public DateTimeOffset LastExportAt { get; private set; }

    /// <summary>Waits for an export collected after this call (two intervals of the fixture's 500 ms later).</summary>
    public async Task<DateTimeOffset> FreshExportAsync()
    {
        var after = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        for (var waited = 0; LastExportAt < after; waited += 100)
        {
            Assert.True(waited < 15_000, "no metrics export from the service for 15 s");
            await Task.Delay(100);
        }

        return after;
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

            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/metrics")
                {
                    var now = DateTimeOffset.UtcNow;
                    Read(body.ToArray(), now);
                    LastExportAt = now;
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf"; // an empty Export*ServiceResponse
            }
            catch (Exception)
            {
                context.Response.StatusCode = 400;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) > ResourceMetrics.scope_metrics(2) > ScopeMetrics.metrics(2)
    // > Metric{name(1), gauge(5) | sum(7) | histogram(9)} > data_points(1) > NumberDataPoint{as_double(4), as_int(6),
    // attributes(7)} | HistogramDataPoint{count(4), attributes(9)}; a histogram's count is kept as "<name>.count".
    private void Read(ReadOnlyMemory<byte> request, DateTimeOffset receivedAt)
    {
        foreach (var resource in Messages(request, 1))
        foreach (var scope in Messages(resource, 2))
        foreach (var metric in Messages(scope, 2))
        {
            var name = Encoding.UTF8.GetString(Messages(metric, 1).FirstOrDefault().Span);
            foreach (var data in Messages(metric, 5).Concat(Messages(metric, 7)))
            foreach (var point in Messages(data, 1))
            {
                Keep(name, point, 7, (field, fixed64) => field switch
                {
                    4 => BitConverter.Int64BitsToDouble((long)fixed64),
                    6 => (long)fixed64,
                    _ => null,
                }, receivedAt);
            }

            foreach (var point in Messages(metric, 9).SelectMany(histogram => Messages(histogram, 1)))
            {
                Keep(name + ".count", point, 9, (field, fixed64) => field == 4 ? fixed64 : null, receivedAt);
            }
        }
    }

    /// <param name="attributesField">Where the data point keeps its attributes (7 in a number's, 9 in a histogram's).</param>
    /// <param name="valueOf">The value a fixed64 field carries, or null for a field that is not the value.</param>
    private void Keep(string name, ReadOnlyMemory<byte> point, int attributesField, Func<int, ulong, double?> valueOf, DateTimeOffset receivedAt)
    {
        double? value = null;
        var attributes = new List<string>();
        foreach (var (field, wireType, bytes, fixed64) in Fields(point))
        {
            if (wireType == 1 && valueOf(field, fixed64) is { } read)
            {
                value = read;
            }
            else if (field == attributesField && wireType == 2)
            {
                var key = Encoding.UTF8.GetString(Messages(bytes, 1).FirstOrDefault().Span);
                var text = Messages(bytes, 2).Select(v => Messages(v, 1).FirstOrDefault()).FirstOrDefault();
                attributes.Add($"{key}={Encoding.UTF8.GetString(text.Span)}");
            }
        }

        if (value is { } v)
        {
            attributes.Sort(StringComparer.Ordinal);
            points[(name, string.Join(',', attributes))] = (v, receivedAt);
        }
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes);

    /// <summary>Protobuf wire format: (field, wire type, bytes of a length-delimited field, value of a fixed64).</summary>
    private static IEnumerable<(int Field, int WireType, ReadOnlyMemory<byte> Bytes, ulong Fixed64)> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message.Span, ref position);
            var (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    Varint(message.Span, ref position);
                    yield return (field, wireType, default, 0);
                    break;
                case 1:
                    yield return (field, wireType, default, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref position);
                    yield return (field, wireType, message.Slice(position, length), 0);
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType}");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
