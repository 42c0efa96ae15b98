using StackExchange.Redis;

namespace OneGate.Tests.LeastPrivilege;

/// <summary>
/// Each service reaches Redis as its own ACL user with only the commands and key patterns it needs
/// (manifests/base/data/redis-users.acl): only Auth writes sessions and login counters, Payment only replaces
/// history-cache generations and wakes its outbox relay on one channel, Transaction owns the cache entries and the regulators' rate-limit windows. Each
/// test connects with the connection string the AppHost gives the service.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class RedisAclTests(OneGateAppFixture fixture)
{
    [Theory]
    [InlineData("payment", "SET", "onegate:session:lp-probe", "1")]
    [InlineData("payment", "DEL", "onegate:session:lp-probe")]
    [InlineData("payment", "GET", "og:history:{1}:gen")]
    [InlineData("payment", "INCR", "og:rl:{lp-probe}:60:0")]
    [InlineData("payment", "SET", "onegate:session:operator:lp-probe", "1")]
    // Payment's replicas may wake the outbox relay on its one channel, and publish nowhere else.
    [InlineData("payment", "PUBLISH", "onegate:lp-probe", "1")]
    [InlineData("payment", "PUBSUB", "CHANNELS")]
    [InlineData("transaction", "PUBLISH", "onegate:payment:outbox-committed", "1")]
    [InlineData("auth", "PUBLISH", "onegate:payment:outbox-committed", "1")]
    [InlineData("backoffice", "PUBLISH", "onegate:payment:outbox-committed", "1")]
    [InlineData("payment", "DEL", "onegate:session:operator:lp-probe")]
    [InlineData("transaction", "SET", "onegate:session:operator:lp-probe", "1")]
    [InlineData("transaction", "EXPIRE", "onegate:session:operators:1", "60")]
    [InlineData("transaction", "SET", "onegate:session:lp-probe", "1")]
    [InlineData("transaction", "EXPIRE", "onegate:session:lp-probe", "60")]
    [InlineData("transaction", "INCR", "onegate:login-attempts:client:lp-probe")]
    [InlineData("transaction", "INCR", "onegate:registrations:client:lp-probe")]
    [InlineData("auth", "INCR", "og:rl:{lp-probe}:60:0")]
    [InlineData("auth", "GET", "og:history:{1}:gen")]
    [InlineData("auth", "SET", "ratelimit:lp-probe", "1")]
    // The console: its Data Protection key ring only, read and appended; no session, not even to look at.
    [InlineData("backoffice", "EXISTS", "onegate:session:operator:lp-probe")]
    [InlineData("backoffice", "GET", "onegate:session:lp-probe")]
    [InlineData("backoffice", "DEL", "onegate:backoffice:data-protection-keys")]
    [InlineData("backoffice", "SET", "onegate:backoffice:lp-probe", "1")]
    [InlineData("backoffice", "LRANGE", "og:history:{1}:gen", "0", "-1")]
    public async Task A_service_user_cannot_touch_keys_it_does_not_own(string service, string command, params string[] args)
    {
        using var redis = await ConnectAsync(service);
        await AssertRefusedAsync(redis, command, args);
    }

    [Theory]
    [InlineData("onegate:lp-probe", false)]
    [InlineData("onegate:payment:*", true)]
    public async Task Payment_may_subscribe_only_to_its_outbox_wake_channel(string channel, bool pattern)
    {
        using var redis = await ConnectAsync("payment");
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetSubscriber().SubscribeAsync(
            pattern ? RedisChannel.Pattern(channel) : RedisChannel.Literal(channel), (_, _) => { }));
        Assert.Contains("NOPERM", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Lua runs with the caller's rights: a script cannot reach what a direct command cannot.</summary>
    [Fact]
    public async Task A_script_cannot_write_a_session_key_for_transaction()
    {
        using var redis = await ConnectAsync("transaction");
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetDatabase().ScriptEvaluateAsync(
            "return redis.call('SET', KEYS[1], '1')", [(RedisKey)"onegate:session:lp-probe"]));
        Assert.Contains("permission", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("auth", "FLUSHALL")]
    [InlineData("auth", "KEYS", "*")]
    [InlineData("payment", "CONFIG", "SET", "maxmemory", "1")]
    [InlineData("payment", "SCAN", "0")]
    [InlineData("transaction", "ACL", "LIST")]
    [InlineData("transaction", "SCRIPT", "FLUSH")]
    [InlineData("transaction", "CLIENT", "KILL", "ID", "1")]
    public async Task A_service_user_cannot_run_admin_or_scanning_commands(string service, string command, params string[] args)
    {
        using var redis = await ConnectAsync(service);
        await AssertRefusedAsync(redis, command, args);
    }

    [Fact]
    public async Task Each_user_can_do_its_own_job()
    {
        var session = $"onegate:session:lp-{Guid.NewGuid():N}";
        using (var auth = await ConnectAsync("auth"))
        {
            Assert.True(await auth.GetDatabase().StringSetAsync(session, "1", TimeSpan.FromMinutes(1)));
        }

        using (var payment = await ConnectAsync("payment"))
        {
            Assert.True(await payment.GetDatabase().KeyExistsAsync(session));
            Assert.True(await payment.GetDatabase().StringSetAsync("og:history:{-1}:gen", "lp", TimeSpan.FromMinutes(1)));
        }

        using var transaction = await ConnectAsync("transaction");
        Assert.True(await transaction.GetDatabase().KeyExistsAsync(session));
        // Each service slides an operator session's idle expiry when it checks the session.
        var operatorSession = $"onegate:session:operator:lp-{Guid.NewGuid():N}";
        using (var auth = await ConnectAsync("auth"))
        {
            Assert.True(await auth.GetDatabase().StringSetAsync(operatorSession, "1", TimeSpan.FromMinutes(1)));
        }

        using (var payment = await ConnectAsync("payment"))
        {
            Assert.True(await payment.GetDatabase().KeyExpireAsync(operatorSession, TimeSpan.FromMinutes(2)));
        }

        Assert.True(await transaction.GetDatabase().KeyExpireAsync(operatorSession, TimeSpan.FromMinutes(3)));
        Assert.Equal("lp", (string?)await transaction.GetDatabase().StringGetAsync("og:history:{-1}:gen"));
    }

    /// <summary>Raw RESP: a client that does not authenticate gets nothing, not even PING.</summary>
    [Fact]
    public async Task The_default_user_needs_the_admin_password()
    {
        var admin = await fixture.App.GetConnectionStringAsync("redis") ?? throw new InvalidOperationException("redis has no connection string");
        var endpoint = ConfigurationOptions.Parse(admin).EndPoints.Single();
        var (host, port) = endpoint switch
        {
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new InvalidOperationException($"unexpected endpoint {endpoint}"),
        };
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(string service)
    {
        var options = ConfigurationOptions.Parse(await fixture.ServiceConnectionStringAsync(service, "redis"));
        Assert.StartsWith("onegate-", options.User);
        // No tie-breaker key or configuration channel, as the services connect (RedisClientExtensions). CONFIG stays
        // available here: one test sends it on purpose and expects the server's NOPERM.
        options.TieBreaker = "";
        options.ConfigurationChannel = "";
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static async Task AssertRefusedAsync(ConnectionMultiplexer redis, string command, string[] args)
    {
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetDatabase().ExecuteAsync(command, args.Cast<object>().ToArray()));
        Assert.StartsWith("NOPERM", refused.Message, StringComparison.Ordinal);
    }
}
