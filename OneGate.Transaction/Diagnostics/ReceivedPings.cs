using System.Collections.Concurrent;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Transaction.Diagnostics;

/// <summary>The most recent pings this instance consumed (bounded: diagnostics must not grow memory).</summary>
public sealed class ReceivedPings
{
    private const int Capacity = 1_000;
    private readonly ConcurrentDictionary<Guid, ReceivedPing> byId = new();
    private readonly ConcurrentQueue<Guid> order = new();

    public void Add(ReceivedPing ping)
    {
        if (byId.TryAdd(ping.Ping.PingId, ping))
        {
            order.Enqueue(ping.Ping.PingId);
            while (order.Count > Capacity && order.TryDequeue(out var oldest))
            {
                byId.TryRemove(oldest, out _);
            }
        }
    }

    public ReceivedPing? Find(Guid pingId) => byId.GetValueOrDefault(pingId);
}

public sealed record ReceivedPing(KafkaPing Ping, string ConsumerGroup, int Partition, long Offset, string? TraceParent, DateTimeOffset ReceivedAt);
