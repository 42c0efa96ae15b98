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

    // The clean clients' bucket of an identifier (a hash {tokens, at}) as of now, refilled one per `per` seconds up to
    // `size`; a missing bucket is full. Shared by reserving (takes a token) and giving back (refunds it).
    private const string BucketLevel = """
        local function level(key, size, per)
          local clock = redis.call('TIME')
          local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
          local bucket = redis.call('HMGET', key, 'tokens', 'at')
          return math.min(size, (tonumber(bucket[1]) or size) + (now - (tonumber(bucket[2]) or now)) / per), now
        end

        """;

    // KEYS: 1 identifier+client, 2 client, 3 identifier, 4 the identifier's bucket for clean clients, 5 the marker of a
    // client that has logged in to this identifier before.
    // ARGV: 1-3 the limits (3: under attack), 4 window seconds, 5 bucket size, 6 seconds per bucket token,
    // 7 this attempt's id, 8 '1' when the client's own count makes it suspect.
    // Returns {wait} when refused, else {0, suspect, the generation of each of the three counters, known, took a token}.
    // Each counter is a hash {n, gen, failed}: n counts reservations, gen is the id of the attempt that opened the window,
    // so a reservation given back after its window rolled over (the key expired and a new attempt opened a new one)
    // leaves the new window alone; failed counts checked wrong passwords, which make the client suspect. So does a third
    // attempt in flight from one limited client (n - failed: reserved, no verdict yet), so a flood cannot stay clean by
    // sending before its first verdict, while a double-clicked login is not suspect.
    // Under attack, a client that has failed this identifier is refused; a clean one takes a token from a bucket
    // shared by all clean clients of the identifier, so rotating addresses buys one guess per token, not per address.
    // A client that has logged in to the identifier before and not failed it since is *known*: it needs no token (an
    // attacker who drains the bucket with fresh addresses does not keep the owner out from an address the owner has
    // used), and its Argon2 work goes ahead of everyone's, so a flood from fresh addresses does not delay it either.
    private const string ReserveScript = BucketLevel + """
        local function ttl(key)
          local t = redis.call('TTL', key)
          if t < 1 then return 1 end
          return t
        end
        local function count(key) return tonumber(redis.call('HGET', key, 'n') or '0') end
        local pair, client, identifier = count(KEYS[1]), count(KEYS[2]), count(KEYS[3])
        local wait, took = 0, 0
        if pair >= tonumber(ARGV[1]) then wait = math.max(wait, ttl(KEYS[1])) end
        if client >= tonumber(ARGV[2]) then wait = math.max(wait, ttl(KEYS[2])) end
        if wait == 0 and identifier >= tonumber(ARGV[3]) then
          if pair > 0 then
            wait = math.min(ttl(KEYS[1]), ttl(KEYS[3]))
          elseif redis.call('EXISTS', KEYS[5]) == 0 then
            local size, per = tonumber(ARGV[5]), tonumber(ARGV[6])
            local tokens, now = level(KEYS[4], size, per)
            if tokens < 1 then
              wait = math.ceil((1 - tokens) * per)
            else
              redis.call('HSET', KEYS[4], 'tokens', tostring(tokens - 1), 'at', tostring(now))
              redis.call('EXPIRE', KEYS[4], math.ceil(size * per))
              took = 1
            end
          end
        end
        if wait > 0 then return {wait} end
        local function failed(key) return tonumber(redis.call('HGET', key, 'failed') or '0') end
        local suspect, known = 0, 0
        if failed(KEYS[1]) > 0 or (ARGV[8] == '1' and (failed(KEYS[2]) > 0 or client - failed(KEYS[2]) >= 2)) then suspect = 1 end
        if failed(KEYS[1]) == 0 and redis.call('EXISTS', KEYS[5]) == 1 then known = 1 end
        local answer = {0, suspect}
        for i = 1, 3 do
          if redis.call('HINCRBY', KEYS[i], 'n', 1) == 1 and redis.call('HSETNX', KEYS[i], 'gen', ARGV[7]) == 1 then
            redis.call('EXPIRE', KEYS[i], ARGV[4])
          end
          answer[i + 2] = redis.call('HGET', KEYS[i], 'gen')
        end
        answer[6], answer[7] = known, took
        return answer
        """;

    // Gives a reservation back to each counter still in the window it was counted in (ARGV 1-3 its generations):
    // the attempt ended without a verdict (database down, request aborted, no Argon2 slot), or ARGV[4] = '1' it
    // succeeded, and then this identifier's failures from this client are forgiven as well and the client is marked
    // as known to the identifier (KEYS[4], for ARGV[5] seconds). Neither is a guess that failed: when ARGV[6] = '1' the
    // attempt took a token from the clean clients' bucket (KEYS[5]; ARGV 7-8 its size and seconds per token), which is
    // refunded, so attempts a flood gets refused for lack of Argon2 capacity do not drain it.
    private const string GiveBackScript = BucketLevel + """
        if ARGV[4] == '1' then redis.call('SET', KEYS[4], '1', 'EX', ARGV[5]) end
        if ARGV[6] == '1' and redis.call('EXISTS', KEYS[5]) == 1 then
          local size = tonumber(ARGV[7])
          local tokens, now = level(KEYS[5], size, tonumber(ARGV[8]))
          redis.call('HSET', KEYS[5], 'tokens', tostring(math.min(size, tokens + 1)), 'at', tostring(now))
        end
        for i = 1, 3 do
          if redis.call('HGET', KEYS[i], 'gen') == ARGV[i] then
            if i == 1 and ARGV[4] == '1' then
              redis.call('DEL', KEYS[1])
            elseif tonumber(redis.call('HGET', KEYS[i], 'n') or '0') > 0 then
              redis.call('HINCRBY', KEYS[i], 'n', -1)
            end
          end
        end
        return 0
        """;

    // The reserved attempt was a checked wrong password: the identifier+client and client windows it was counted in
    // (ARGV 1-2 their generations) record a failure.
    private const string FailScript = """
        for i = 1, 2 do
          if redis.call('HGET', KEYS[i], 'gen') == ARGV[i] then redis.call('HINCRBY', KEYS[i], 'failed', 1) end
        end
        return 0
        """;

    /// <summary>Counts the attempt, or refuses it with the seconds the client must wait (nothing counted).</summary>
    public async Task<LoginReservation> TryReserveAsync(string identifier, IPAddress? client)
    {
        var o = options.Value;
        var keys = Keys(identifier, client);
        var limited = !unlimited.Contains(client);
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, keys,
            [o.MaxFailuresPerIdentifierAndClient, limited ? o.MaxFailuresPerClient : int.MaxValue, o.IdentifierUnderAttackAfter,
                (int)o.Window.TotalSeconds, o.CleanClientBurst, o.CleanClientInterval.TotalSeconds,
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), limited ? 1 : 0]))!;
        return (int)result[0] > 0
            ? new LoginReservation((int)result[0], false, keys, [], keys[4], keys[3])
            : new LoginReservation(0, (int)result[1] == 1, keys[..3], [(RedisValue)result[2], (RedisValue)result[3], (RedisValue)result[4]], keys[4], keys[3])
            {
                Known = (int)result[5] == 1,
                TookToken = (int)result[6] == 1,
            };
    }

    /// <summary>The reserved attempt was a wrong password: it keeps its reservation, and its client is suspect from now on.</summary>
    public Task FailedAsync(LoginReservation reservation) =>
        redis.GetDatabase().ScriptEvaluateAsync(FailScript, reservation.Keys[..2], reservation.Generations[..2]);

    /// <summary>The reserved attempt succeeded: it is not a failure, and the client's failures of this identifier are forgiven.</summary>
    public Task ReleaseAsync(LoginReservation reservation) => GiveBackAsync(reservation, forgive: true);

    /// <summary>The reserved attempt ended without a verdict: it is neither a failure nor a success.</summary>
    public Task UnreserveAsync(LoginReservation reservation) => GiveBackAsync(reservation, forgive: false);

    private Task GiveBackAsync(LoginReservation reservation, bool forgive) =>
        redis.GetDatabase().ScriptEvaluateAsync(GiveBackScript, [.. reservation.Keys, reservation.KnownClientKey, reservation.BucketKey],
            [.. reservation.Generations, forgive ? 1 : 0, (long)options.Value.KnownClientLifetime.TotalSeconds,
                reservation.TookToken ? 1 : 0, options.Value.CleanClientBurst, options.Value.CleanClientInterval.TotalSeconds]);

    /// <summary>
    /// Operators' identifiers in the throttle start with a control character, which a user login refuses (400), so
    /// nothing typed at the public login can count against an operator's limits.
    /// </summary>
    public const string OperatorIdentifierPrefix = "\u0001operator:";

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
            $"onegate:login-attempts:v2:identifier-client:{id}:{client}",
            $"onegate:login-attempts:v2:client:{client}",
            $"onegate:login-attempts:v2:identifier:{id}",
            $"onegate:login-attempts:v2:identifier-bucket:{id}",
            $"onegate:login-attempts:v2:known-client:{id}:{client}",
        ];
    }
}
