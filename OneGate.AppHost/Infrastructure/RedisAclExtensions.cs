namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Gives a Redis server (local process or container) the ACL users of manifests/base/data/redis-users.acl: the
/// rules file and redis-acl.sh (the same files the manifests mount) and each user's password as
/// REDIS_PASSWORD_&lt;USER&gt;, from which the script writes the `user` directives with password hashes.
/// </summary>
internal static class RedisAclExtensions
{
    public static string DataDirectory(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "manifests", "base", "data"));

    public static IResourceBuilder<T> WithRedisAclUsers<T>(this IResourceBuilder<T> redis, DataCredentials credentials, string? filesDirectory = null)
        where T : IResourceWithEnvironment
    {
        var directory = filesDirectory ?? DataDirectory(redis.ApplicationBuilder);
        redis.WithEnvironment("REDIS_ACL_SCRIPT", Path.Combine(directory, "redis-acl.sh"))
            .WithEnvironment("REDIS_ACL_RULES", Path.Combine(directory, "redis-users.acl"));
        foreach (var (user, password) in credentials.RedisUsers())
        {
            redis.WithEnvironment(DataCredentials.RedisPasswordVariable(user), password);
        }

        return redis;
    }
}
