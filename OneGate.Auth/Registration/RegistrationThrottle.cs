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

    private readonly ClientNetworks unlimited = new(options.Value.UnlimitedNetworks);

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
        return Math.Max(0, (int)result);
    }

    private static RedisKey Key(IPAddress? client) => $"onegate:registrations:client:{ClientKey.Of(client)}";
}
