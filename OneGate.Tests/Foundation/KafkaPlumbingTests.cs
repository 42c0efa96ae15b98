using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Foundation;

[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class KafkaPlumbingTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Message_produced_by_Payment_is_consumed_by_Transactions_consumer_group_in_the_same_trace()
    {
        using var payment = fixture.CreateClient("payment");
        using var transaction = fixture.CreateClient("transaction");

        using var sent = await payment.PostAsync(new Uri("/internal/diagnostics/kafka-pings", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var ping = await sent.Content.ReadFromJsonAsync<JsonElement>();
        var pingId = ping.GetProperty("pingId").GetGuid();

        // The consumer group may still be joining right after start-up: poll, bounded.
        JsonElement? received = null;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(45);
        while (received is null && DateTimeOffset.UtcNow < deadline)
        {
            // Transaction runs two replicas and only the one that owns the diagnostics partition has the ping in
            // memory: a new connection per poll lets the proxy's round robin reach both.
            using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri($"/internal/diagnostics/kafka-pings/{pingId}", UriKind.Relative));
            poll.Headers.ConnectionClose = true;
            using var response = await transaction.SendAsync(poll);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                received = await response.Content.ReadFromJsonAsync<JsonElement>();
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                await Task.Delay(250);
            }
        }

        Assert.True(received.HasValue, $"ping {pingId} was not consumed within 45 s\n{fixture.DescribeLogs(20)}");
        var record = received.Value;
        Assert.Equal("payment", record.GetProperty("ping").GetProperty("sentBy").GetString());
        Assert.Equal("onegate-transaction-diagnostics", record.GetProperty("consumerGroup").GetString());

        // The Kafka message carried the producer's trace context: same trace id as Payment's request.
        var producerTrace = ping.GetProperty("traceParent").GetString();
        var consumedTrace = record.GetProperty("traceParent").GetString();
        Assert.False(string.IsNullOrEmpty(producerTrace));
        Assert.False(string.IsNullOrEmpty(consumedTrace));
        Assert.Equal(producerTrace!.Split('-')[1], consumedTrace!.Split('-')[1]);
    }
}
