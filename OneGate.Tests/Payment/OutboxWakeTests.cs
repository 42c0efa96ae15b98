using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using OneGate.Payment.Events;
using StackExchange.Redis;

namespace OneGate.Tests.Payment;

/// <summary>
/// One Payment replica relays the outbox; a commit on any replica wakes it (through Redis, as Payment's own ACL
/// user connects), so an event does not wait for the relay's poll because another replica committed it. Replicas
/// that do not relay are not woken: they look for a vacant lead on their own schedule, not once per commit.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class OutboxWakeTests(OneGateAppFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_commit_on_a_replica_that_does_not_relay_wakes_the_one_that_does()
    {
        using var relayingRedis = await ConnectAsPaymentAsync();
        using var committingRedis = await ConnectAsPaymentAsync();
        using var listenerRedis = await ConnectAsPaymentAsync();
        var relaying = new OutboxSignal(NullLogger<OutboxSignal>.Instance, relayingRedis);
        var committing = new OutboxSignal(NullLogger<OutboxSignal>.Instance, committingRedis);
        // The app's replicas wake on the same channel: this replica's own wake is told apart by its instance.
        var heard = Channel.CreateUnbounded<string>();
        await listenerRedis.GetSubscriber().SubscribeAsync(OutboxSignal.Channel, (_, message) => heard.Writer.TryWrite(message.ToString()));
        await relaying.Listening;
        relaying.Lead();

        committing.Notify();

        using var timeout = new CancellationTokenSource(Patience);
        while (await heard.Reader.ReadAsync(timeout.Token) != committing.Instance)
        {
        }

        Assert.True(await relaying.WaitAsync(Patience, CancellationToken.None), "the relaying replica was not woken");
    }

    [Fact]
    public async Task A_replica_that_stopped_relaying_is_not_woken_by_other_replicas()
    {
        using var formerRedis = await ConnectAsPaymentAsync();
        using var committingRedis = await ConnectAsPaymentAsync();
        using var relayingRedis = await ConnectAsPaymentAsync();
        var former = new OutboxSignal(NullLogger<OutboxSignal>.Instance, formerRedis);
        var committing = new OutboxSignal(NullLogger<OutboxSignal>.Instance, committingRedis);
        var relaying = new OutboxSignal(NullLogger<OutboxSignal>.Instance, relayingRedis);
        await Task.WhenAll(former.Listening, relaying.Listening);
        former.Lead();
        former.Follow();
        relaying.Lead();

        committing.Notify();

        // The wake reached a replica that relays, so it has reached every subscriber.
        Assert.True(await relaying.WaitAsync(Patience, CancellationToken.None));
        Assert.False(await former.WaitAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None));
    }

    [Fact]
    public async Task The_relaying_replica_does_not_publish_its_own_commits()
    {
        using var relayingRedis = await ConnectAsPaymentAsync();
        using var listenerRedis = await ConnectAsPaymentAsync();
        var relaying = new OutboxSignal(NullLogger<OutboxSignal>.Instance, relayingRedis);
        var heard = Channel.CreateUnbounded<string>();
        await listenerRedis.GetSubscriber().SubscribeAsync(OutboxSignal.Channel, (_, message) => heard.Writer.TryWrite(message.ToString()));
        relaying.Lead();

        relaying.Notify();
        relaying.Follow();
        relaying.Notify(); // published: proves the listener hears this instance

        Assert.True(await relaying.WaitAsync(TimeSpan.Zero, CancellationToken.None), "woken in process");
        using var timeout = new CancellationTokenSource(Patience);
        var fromIt = 0;
        while (fromIt == 0)
        {
            fromIt += await heard.Reader.ReadAsync(timeout.Token) == relaying.Instance ? 1 : 0;
        }

        await Task.Delay(200);
        while (heard.Reader.TryRead(out var message))
        {
            fromIt += message == relaying.Instance ? 1 : 0;
        }

        Assert.Equal(1, fromIt);
    }

    private async Task<ConnectionMultiplexer> ConnectAsPaymentAsync()
    {
        var options = ConfigurationOptions.Parse(await fixture.ServiceConnectionStringAsync("payment", "redis"));
        Assert.Equal("onegate-payment", options.User);
        options.TieBreaker = "";
        options.ConfigurationChannel = "";
        options.CommandMap = CommandMap.Create(["CONFIG", "CLUSTER"], available: false);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
