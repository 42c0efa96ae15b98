using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.AccessLogs;

/// <summary>
/// Access-log rows waiting for <see cref="AccessLogWriter"/>: a bounded in-memory channel, so a request only
/// enqueues (no database round trip). When the queue is full (the database has been unreachable for a long
/// while), a new entry is dropped and counted in a warning rather than blocking requests or growing memory.
/// </summary>
public sealed class AccessLogQueue(IOptions<RegulatorOptions> options, ILogger<AccessLogQueue> logger)
{
    private readonly Channel<ApiAccessLog> channel = Channel.CreateBounded<ApiAccessLog>(
        new BoundedChannelOptions(options.Value.AccessLogCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long dropped;

    public ChannelReader<ApiAccessLog> Reader => channel.Reader;

    public void Enqueue(ApiAccessLog entry)
    {
        if (!channel.Writer.TryWrite(entry))
        {
            var total = Interlocked.Increment(ref dropped);
            logger.LogWarning("Access log queue full: entry for key {ApiKeyId} dropped ({Dropped} dropped so far)", entry.ApiKeyId, total);
        }
    }
}
