using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OneGate.Auth.Clients;
using OneGate.Auth.Users;
using StackExchange.Redis;

namespace OneGate.Auth.Login;

/// <summary>
/// Login attempt counters in Redis, shared by every Auth replica. An attempt is reserved in one script before
/// Argon2 runs, so concurrent attempts cannot pass a limit; a success gives the reservation back.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options)
{
    private readonly ClientNetworks unlimited = new(options.Value.UnlimitedNetworks);

    // KEYS: 1 identifier+client, 2 client, 3 identifier, 4 the identifier's bucket for clean clients.
    // ARGV: 1-3 the limits (3: under attack), 4 window seconds, 5 bucket size, 6 seconds per bucket token.
    // Returns 0 when the attempt was counted in all three windows, else the seconds until it may be tried again.
    // Under attack, a client that has failed this identifier is refused; a clean one takes a token from a bucket
    // shared by all clean clients of the identifier, so rotating addresses buys one guess per token, not per address.
    private const string ReserveScript = """
        local function ttl(key)
          local t = redis.call('TTL', key)
          if t < 1 then return 1 end
          return t
        end
        local pair = tonumber(redis.call('GET', KEYS[1]) or '0')
        local client = tonumber(redis.call('GET', KEYS[2]) or '0')
        local identifier = tonumber(redis.call('GET', KEYS[3]) or '0')
        local wait = 0
        if pair >= tonumber(ARGV[1]) then wait = math.max(wait, ttl(KEYS[1])) end
        if client >= tonumber(ARGV[2]) then wait = math.max(wait, ttl(KEYS[2])) end
        if wait == 0 and identifier >= tonumber(ARGV[3]) then
          if pair > 0 then
            wait = math.min(ttl(KEYS[1]), ttl(KEYS[3]))
          else
            local size, per = tonumber(ARGV[5]), tonumber(ARGV[6])
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
            local bucket = redis.call('HMGET', KEYS[4], 'tokens', 'at')
            local tokens = math.min(size, (tonumber(bucket[1]) or size) + (now - (tonumber(bucket[2]) or now)) / per)
            if tokens < 1 then
              wait = math.ceil((1 - tokens) * per)
            else
              redis.call('HSET', KEYS[4], 'tokens', tostring(tokens - 1), 'at', tostring(now))
              redis.call('EXPIRE', KEYS[4], math.ceil(size * per))
            end
          end
        end
        if wait > 0 then return wait end
        for i = 1, 3 do
          if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[4]) end
        end
        return 0
        """;

    // After a success: this identifier's failures from this client are forgiven, and the attempt's own
    // reservation leaves the client's and the identifier's counts (never below zero, never without a TTL).
    private const string ReleaseScript = """
        redis.call('DEL', KEYS[1])
        for i = 2, 3 do
          if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
        end
        return 0
        """;

    // An attempt that ended without a verdict (database down, request aborted while waiting for Argon2) is not a
    // failure: its reservation leaves all three counts.
    private const string UnreserveScript = """
        for i = 1, 3 do
          if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
        end
        return 0
        """;

    /// <summary>Counts the attempt and returns 0, or returns the seconds the client must wait (nothing counted).</summary>
    public async Task<int> TryReserveAsync(string identifier, IPAddress? client)
    {
        var o = options.Value;
        var result = await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, Keys(identifier, client),
            [o.MaxFailuresPerIdentifierAndClient, unlimited.Contains(client) ? int.MaxValue : o.MaxFailuresPerClient, o.IdentifierUnderAttackAfter,
                (int)o.Window.TotalSeconds, o.CleanClientBurst, o.CleanClientInterval.TotalSeconds]);
        return Math.Max(0, (int)result);
    }

    /// <summary>The reserved attempt succeeded: it is not a failure.</summary>
    public Task ReleaseAsync(string identifier, IPAddress? client) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, Keys(identifier, client)[..3]);

    /// <summary>The reserved attempt ended without a verdict: it is neither a failure nor a success.</summary>
    public Task UnreserveAsync(string identifier, IPAddress? client) =>
        redis.GetDatabase().ScriptEvaluateAsync(UnreserveScript, Keys(identifier, client)[..3]);

    /// <summary>
    /// The identifier as the login looks it up (phone numbers in any accepted form are one), hashed: people type
    /// passwords into the identifier field, and the keys must not hold them.
    /// </summary>
    public static string IdentifierKey(string identifier)
    {
        var canonical = PhoneNumber.Normalise(identifier) ?? identifier.Trim().ToLowerInvariant();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("onegate-login:" + canonical)))[..32];
    }

    private static RedisKey[] Keys(string identifier, IPAddress? address)
    {
        var id = IdentifierKey(identifier);
        var client = ClientKey.Of(address);
        return
        [
            $"onegate:login-attempts:identifier-client:{id}:{client}",
            $"onegate:login-attempts:client:{client}",
            $"onegate:login-attempts:identifier:{id}",
            $"onegate:login-attempts:identifier-bucket:{id}",
        ];
    }
}
