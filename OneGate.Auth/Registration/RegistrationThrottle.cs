using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OneGate.Auth.Clients;
using StackExchange.Redis;

namespace OneGate.Auth.Registration;

/// <summary>Registrations per client, counted in Redis (shared by every Auth replica) before any work is done.</summary>
public sealed class RegistrationThrottle(IConnectionMultiplexer redis, IOptions<RegistrationThrottleOptions> options)
{
    // Check and count in one script, so concurrent registrations cannot pass the limit.
    private const string ReserveScript = """
        if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
          return math.max(redis.call('TTL', KEYS[1]), 1)
        end
        if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    // Bounds the memory a flood of refused addresses can take (then the memory starts over).
    private const int MaxRemembered = 100_000;

    private readonly ClientNetworks unlimited = new(options.Value.UnlimitedNetworks);

    // Clients the limit refused, until their wait ends (Environment.TickCount64): refused again from here without a
    // Redis round trip or a place among the registrations under way, so a client over its limit cannot hold those
    // places (HashScheduler.TryAdmit) from other clients. Per replica; Redis still decides for every other request.
    private readonly ConcurrentDictionary<string, long> refusedUntil = new(StringComparer.Ordinal);

    /// <summary>The seconds a client the limit refused must still wait, from memory; 0 when unknown or over.</summary>
    public int RememberedWait(IPAddress? client)
    {
        var key = ClientKey.Of(client);
        if (!refusedUntil.TryGetValue(key, out var until))
        {
            return 0;
        }

        var left = until - Environment.TickCount64;
        if (left > 0)
        {
            return (int)Math.Ceiling(left / 1000.0);
        }

        refusedUntil.TryRemove(KeyValuePair.Create(key, until));
        return 0;
    }

    /// <summary>Counts the registration and returns 0, or returns the seconds the client must wait.</summary>
    public async Task<int> TryReserveAsync(IPAddress? client)
    {
        if (unlimited.Contains(client))
        {
            return 0;
        }

        var o = options.Value;
        var result = await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript,
            [Key(client)], [o.MaxPerClient, (int)o.Window.TotalSeconds]);
        var wait = Math.Max(0, (int)result);
        if (wait > 0)
        {
            if (refusedUntil.Count >= MaxRemembered)
            {
                refusedUntil.Clear();
            }

            refusedUntil[ClientKey.Of(client)] = Environment.TickCount64 + (wait * 1000L);
        }

        return wait;
    }

    private static RedisKey Key(IPAddress? client) => $"onegate:registrations:client:{ClientKey.Of(client)}";
}
