using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OneGate.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace OneGate.Transaction.History;

/// <summary>
/// Redis cache of a user's most read responses (the summary and first history pages). Entries are keyed by the
/// user's generation (<see cref="HistoryGeneration"/>), which Payment replaces right after every ledger commit
/// and the event consumer replaces on every event: a new transaction is visible on the next read, and a page
/// read from Postgres before a commit can only be stored under the old, already unreachable generation.
/// Reads only: nothing that decides a write ever looks here. Any Redis problem degrades to reading Postgres.
/// The outcome is the <c>X-Cache</c> response header: HIT, MISS (read from Postgres and stored) or BYPASS
/// (not cached: the cache is off or Redis did not answer).
/// </summary>
public sealed class HistoryCache(IConnectionMultiplexer redis, IOptions<HistoryCacheOptions> options, IOptions<JsonOptions> json, ILogger<HistoryCache> logger)
{
    public const string HeaderName = "X-Cache";

    // One round trip: the user's generation ('0' before the first write) and the entry stored under it.
    // The entry key is built here from the same hash-tagged prefix as KEYS[1], so both live in one slot.
    private const string ReadScript = """
        local generation = redis.call('GET', KEYS[1]) or '0'
        return { generation, redis.call('GET', ARGV[1] .. ':' .. generation .. ':' .. ARGV[2]) }
        """;

    private JsonSerializerOptions Json => json.Value.SerializerOptions;

    public async Task<T> GetOrReadAsync<T>(HttpContext http, int userId, string entry, Func<Task<T>> read)
    {
        var settings = options.Value;
        if (!settings.Enabled || !redis.IsConnected)
        {
            http.Response.Headers[HeaderName] = "BYPASS";
            return await read();
        }

        string generation;
        try
        {
            var found = (RedisResult[])(await redis.GetDatabase()
                .ScriptEvaluateAsync(ReadScript, [HistoryGeneration.Key(userId)], [HistoryGeneration.Prefix(userId), entry])
                .WaitAsync(settings.Timeout))!;
            generation = (string)found[0]!;
            if (!found[1].IsNull && JsonSerializer.Deserialize<T>((string)found[1]!, Json) is { } cached)
            {
                http.Response.Headers[HeaderName] = "HIT";
                return cached;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            logger.LogWarning("History cache unavailable, reading Postgres: {Reason}", ex.Message);
            http.Response.Headers[HeaderName] = "BYPASS";
            return await read();
        }

        var value = await read();
        http.Response.Headers[HeaderName] = "MISS";
        // Fire and forget: the response does not wait for the store. Stored under the generation read BEFORE the
        // query, so if a write committed meanwhile this entry is already unreachable.
        try
        {
            _ = redis.GetDatabase().StringSetAsync($"{HistoryGeneration.Prefix(userId)}:{generation}:{entry}",
                JsonSerializer.Serialize(value, Json), settings.Ttl, flags: CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            logger.LogWarning("History cache entry not stored: {Reason}", ex.Message);
        }

        return value;
    }
}
