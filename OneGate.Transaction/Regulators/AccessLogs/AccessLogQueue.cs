using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.AccessLogs;

/// <summary>
/// Access-log rows waiting for <see cref="AccessLogWriter"/>, so a request only enqueues (no database round trip).
/// Bounded by places, not by the channel: a request takes its place (<see cref="TryReserve"/>) before it is served,
/// and the place is given back (<see cref="Release"/>) only once its row is committed. So rows queued plus rows in
/// the writer's batch never pass <see cref="RegulatorOptions.AccessLogCapacity"/>, and a request that was served
/// always has its place: when none is left (the database has been unusable for a long while), the request is refused
/// rather than served unlogged.
/// </summary>
public sealed class AccessLogQueue(IOptions<RegulatorOptions> options)
{
    private readonly Channel<ApiAccessLog> channel = Channel.CreateUnbounded<ApiAccessLog>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int capacity = options.Value.AccessLogCapacity;
    private int reserved;

    public ChannelReader<ApiAccessLog> Reader => channel.Reader;

    /// <summary>Takes a place for one row; false when every place is taken.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref reserved) <= capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref reserved);
        return false;
    }

    /// <summary>Queues the row of a request that holds a place (never blocks, never drops).</summary>
    public void Enqueue(ApiAccessLog entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        channel.Writer.TryWrite(entry);
    }

    /// <summary>Gives back the places of rows that are committed.</summary>
    public void Release(int count) => Interlocked.Add(ref reserved, -count);
}
