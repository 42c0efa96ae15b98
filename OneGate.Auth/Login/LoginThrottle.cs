using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OneGate.Auth.Login;

/// <summary>Failed-login counters in Redis, shared by every Auth replica; each check or update is one script.</summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options)
{
    // Returns the seconds until the longest exceeded window ends, or 0 when the attempt may proceed.
    private const string CheckScript = """
        local wait = 0
        for i, key in ipairs(KEYS) do
          local count = tonumber(redis.call('GET', key) or '0')
          if count >= tonumber(ARGV[i]) then
            local ttl = redis.call('TTL', key)
            if ttl > wait then wait = ttl end
          end
        end
        return wait
        """;

    // Counts a failure in every window; a window's clock starts at its first failure.
    private const string RecordScript = """
        for _, key in ipairs(KEYS) do
          if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[1]) end
        end
        return 0
        """;

    /// <summary>Seconds the client must wait, or 0.</summary>
    public async Task<int> RetryAfterSecondsAsync(string account, string ip)
    {
        var o = options.Value;
        var result = await redis.GetDatabase().ScriptEvaluateAsync(CheckScript, Keys(account, ip),
            [o.MaxFailuresPerAccountAndIp, o.MaxFailuresPerIp, o.MaxFailuresPerAccount]);
        return Math.Max(0, (int)result);
    }

    public Task RecordFailureAsync(string account, string ip) =>
        redis.GetDatabase().ScriptEvaluateAsync(RecordScript, Keys(account, ip), [(int)options.Value.Window.TotalSeconds]);

    /// <summary>A successful login clears this account's failures from this IP (not the IP's or the account's totals).</summary>
    public Task ResetAsync(string account, string ip) => redis.GetDatabase().KeyDeleteAsync(Keys(account, ip)[0]);

    private static RedisKey[] Keys(string account, string ip) =>
    [
        $"onegate:login-failures:account-ip:{account}:{ip}",
        $"onegate:login-failures:ip:{ip}",
        $"onegate:login-failures:account:{account}",
    ];
}
