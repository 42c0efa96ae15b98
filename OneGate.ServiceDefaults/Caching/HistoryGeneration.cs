using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OneGate.ServiceDefaults.Caching;

/// <summary>
/// The per-user generation of the Transaction service's read cache (history first pages, summaries). Cached
/// entries are keyed by the generation they were read under, so changing it makes every entry of that user
/// unreachable at once, and an entry computed from an older database state can never be stored under the new
/// generation. Payment sets a new generation right after each ledger commit (before answering), and
/// Transaction's event consumer sets one for every event, so a write is visible on the very next read.
/// </summary>
public static class HistoryGeneration
{
    /// <summary>How long a generation is remembered: far longer than any cache entry lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>The hash tag keeps a user's generation and entries in one slot (atomic scripts, Redis Cluster).</summary>
    public static string Prefix(int userId) => $"og:history:{{{userId}}}";

    public static string Key(int userId) => Prefix(userId) + ":gen";

    /// <summary>
    /// Sets a new random generation for each user (random rather than counted: an expired or lost key can
    /// never come back as a value that older entries were stored under). Best effort and bounded in time:
    /// the caller has already committed, so a Redis problem is logged, never thrown; cached entries then
    /// still expire by their TTL and the event consumer bumps again.
    /// </summary>
    public static async Task BumpAsync(IConnectionMultiplexer redis, IEnumerable<int> userIds, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var users = userIds.Distinct().ToList();
        if (users.Count == 0)
        {
            return;
        }

        if (!redis.IsConnected)
        {
            logger.LogWarning("History cache generation not bumped for {Count} users: Redis is not connected", users.Count);
            return;
        }

        try
        {
            var db = redis.GetDatabase();
            await Task.WhenAll(users.Select(u => db.StringSetAsync(Key(u), Guid.NewGuid().ToString("N"), Lifetime)))
                .WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("History cache generation not bumped for {Count} users: {Reason}", users.Count, ex.Message);
        }
    }
}
