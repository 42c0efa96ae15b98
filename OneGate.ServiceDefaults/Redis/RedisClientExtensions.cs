using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace OneGate.ServiceDefaults.Redis;

public static class RedisClientExtensions
{
    /// <summary>
    /// The Redis connection (<c>ConnectionStrings:redis</c>) as the service's own ACL user, which may not run CONFIG
    /// or CLUSTER, read the tie-breaker key or subscribe to the configuration channel (docs/operations.md, "Least
    /// privilege"). A single server needs none of them, so the client does not try: every refusal in Redis's ACL LOG
    /// is then a real one.
    /// </summary>
    public static void AddOneGateRedisClient(this IHostApplicationBuilder builder) =>
        builder.AddRedisClient("redis", configureOptions: options =>
        {
            options.TieBreaker = "";
            options.ConfigurationChannel = "";
            options.CommandMap = CommandMap.Create(["CONFIG", "CLUSTER"], available: false);
        });
}
