using Microsoft.Extensions.Options;
using OneGate.Auth.Login;
using OneGate.Tests.Support;
using StackExchange.Redis;

namespace OneGate.Tests.Auth;

/// <summary>
/// The throttle against the app's real Redis: window generations (with a 2-second window, a reservation given back
/// after its window rolled over must not come off the counts of the window that replaced it), and who is suspect.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class LoginThrottleWindowTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task A_reservation_given_back_after_its_window_rolled_over_leaves_the_new_windows_counts_alone()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var throttle = new LoginThrottle(redis, Options.Create(new LoginThrottleOptions { Window = TimeSpan.FromSeconds(2) }));
        var identifier = "nobody_" + Guid.NewGuid().ToString("N")[..12];
        var client = DirectClients.NewAddress();
        var old = await throttle.TryReserveAsync(identifier, client);
        var oldSuccess = await throttle.TryReserveAsync(identifier, client);
        await WindowEndsAsync(redis, old.Keys);

        var current = await throttle.TryReserveAsync(identifier, client);
        var currentSuccess = await throttle.TryReserveAsync(identifier, client);
        await throttle.UnreserveAsync(old);
        await throttle.ReleaseAsync(oldSuccess);

        Assert.False(current.Refused);
        Assert.Equal(new[] { 2, 2, 2 }, await CountsAsync(redis, current.Keys));
        // The same calls within their own window do take the attempt back (and a success forgives the pair's count).
        await throttle.UnreserveAsync(current);
        Assert.Equal(new[] { 1, 1, 1 }, await CountsAsync(redis, current.Keys));
        await throttle.ReleaseAsync(currentSuccess);
        Assert.Equal(new[] { 0, 0, 0 }, await CountsAsync(redis, current.Keys));
    }

    [Fact]
    public async Task A_client_is_suspect_after_a_checked_failure_or_with_two_attempts_in_flight_but_not_with_one()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))!);
        var throttle = new LoginThrottle(redis, Options.Create(new LoginThrottleOptions()));
        var identifier = "nobody_" + Guid.NewGuid().ToString("N")[..12];
        var client = DirectClients.NewAddress();

        var inFlight = await throttle.TryReserveAsync(identifier, client);
        var concurrent = await throttle.TryReserveAsync(identifier, client); // e.g. a double-clicked login
        var third = await throttle.TryReserveAsync("nobody_" + Guid.NewGuid().ToString("N")[..12], client);
        await throttle.UnreserveAsync(third);
        await throttle.FailedAsync(inFlight);
        var afterFailure = await throttle.TryReserveAsync("nobody_" + Guid.NewGuid().ToString("N")[..12], client);

        Assert.False(inFlight.Suspect);
        Assert.False(concurrent.Suspect);
        Assert.True(third.Suspect); // a third at once from one client: a flood does not stay clean until its first verdict
        Assert.True(afterFailure.Suspect); // on any identifier: this client is held to the per-client limit
    }

    private static async Task WindowEndsAsync(ConnectionMultiplexer redis, RedisKey[] keys)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (await redis.GetDatabase().KeyExistsAsync(keys) > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the 2-second window never ended");
            await Task.Delay(200);
        }
    }

    private static async Task<int[]> CountsAsync(ConnectionMultiplexer redis, RedisKey[] keys) =>
        await Task.WhenAll(keys.Select(async k => (int?)await redis.GetDatabase().HashGetAsync(k, "n") ?? 0));
}
