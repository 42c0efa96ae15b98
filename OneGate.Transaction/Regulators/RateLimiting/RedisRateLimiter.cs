using OneGate.Transaction.Data;
using StackExchange.Redis;

namespace OneGate.Transaction.Regulators.RateLimiting;

/// <summary>
/// Every window of a key (minute, hour, day) checked and counted by ONE Lua script, so the check and the
/// increments are atomic across all replicas: the 101st request of a 100/minute key is refused whichever
/// replica serves it.
/// <list type="bullet">
/// <item>Fixed windows aligned to the clock of Redis (<c>TIME</c>, so replicas' clocks do not matter): minutes and
/// hours start on the minute/hour; the day window runs midnight to midnight WIB (UTC+7), like the daily report.</item>
/// <item>A refused request increments nothing: it does not use up the budget of the other windows.</item>
/// <item>Counters are keys <c>og:rl:{id}:{seconds}:{windowStart}</c> (one hash slot per id) that expire a minute
/// after their window ends. The id is the first key's of a rotation chain (<see cref="ApiKey.RateLimitId"/>): a key and
/// its successors share one budget, also during the rotation's grace.</item>
/// </list>
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    private const int WibOffsetSeconds = 7 * 3600;

    // KEYS[1] key prefix; ARGV[1] offset of the day window; then per window: seconds, limit.
    // Returns {refusedIndex (0 = allowed), count1, reset1, count2, reset2, ...}; counts are after the increment
    // when allowed, before it when refused.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1])
        local offset = tonumber(ARGV[1])
        local n = (#ARGV - 1) / 2
        local keys, counts, resets = {}, {}, {}
        local refused = 0
        for i = 1, n do
          local size = tonumber(ARGV[2 * i])
          local limit = tonumber(ARGV[2 * i + 1])
          local start = now - ((now + offset) % size)
          keys[i] = KEYS[1] .. ':' .. size .. ':' .. start
          counts[i] = tonumber(redis.call('GET', keys[i]) or '0')
          resets[i] = start + size - now
          if refused == 0 and counts[i] >= limit then refused = i end
        end
        if refused == 0 then
          for i = 1, n do
            counts[i] = redis.call('INCR', keys[i])
            if counts[i] == 1 then redis.call('EXPIRE', keys[i], tonumber(ARGV[2 * i]) + 60) end
          end
        end
        local result = { refused }
        for i = 1, n do
          result[#result + 1] = counts[i]
          result[#result + 1] = resets[i]
        end
        return result
        """;

    /// <summary>Counts one request against every window; throws a <see cref="RedisException"/> when Redis cannot answer.</summary>
    public async Task<RateLimitDecision> AcquireAsync(Guid rateLimitId, IReadOnlyList<RateLimitWindow> windows)
    {
        var args = new List<RedisValue>(1 + windows.Count * 2) { WibOffsetSeconds };
        foreach (var window in windows)
        {
            args.Add(Seconds(window.Unit));
            args.Add(window.Limit);
        }

        var raw = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, [(RedisKey)$"og:rl:{{{rateLimitId:N}}}"], [.. args]))!;
        var refused = (int)raw[0];
        if (refused > 0)
        {
            var w = refused - 1;
            return new RateLimitDecision(false, windows[w].Limit, 0, Math.Max(1, (int)raw[2 + 2 * w]));
        }

        RateLimitDecision? tightest = null;
        for (var i = 0; i < windows.Count; i++)
        {
            var remaining = Math.Max(0, windows[i].Limit - (int)raw[1 + 2 * i]);
            var reset = Math.Max(1, (int)raw[2 + 2 * i]);
            if (tightest is null || remaining < tightest.Remaining || (remaining == tightest.Remaining && reset > tightest.ResetSeconds))
            {
                tightest = new RateLimitDecision(true, windows[i].Limit, remaining, reset);
            }
        }

        return tightest!;
    }

    private static int Seconds(RateLimitUnit unit) => unit switch
    {
        RateLimitUnit.Minute => 60,
        RateLimitUnit.Hour => 3_600,
        RateLimitUnit.Day => 86_400,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };
}
