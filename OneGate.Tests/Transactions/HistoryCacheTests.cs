using System.Net;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Transactions;

/// <summary>
/// The Redis cache of first history pages and the default summary: served while nothing changed (X-Cache: HIT),
/// and never stale after a transaction — neither on the very next read after the call that made it returns,
/// nor after a Kafka event alone.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class HistoryCacheTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient transactions = fixture.CreateClient("transaction");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task A_repeated_first_page_and_summary_are_cache_hits_with_the_same_body()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        await payment.PayAsync(user, 1_000m);

        foreach (var path in new[] { "/api/transactions", "/api/transactions?type=PAYMENT&limit=5", "/api/transactions/summary" })
        {
            var (first, second) = await WarmAsync(user, path);
            Assert.Equal("HIT", second.Cache);
            Assert.Equal(first.Body, second.Body);
        }

        // Deeper and period-bounded pages are not cached.
        var page = await GetAsync(user, "/api/transactions?limit=1");
        var cursor = JsonDocument.Parse(page.Body).RootElement.GetProperty("nextCursor").GetString();
        Assert.Null((await GetAsync(user, $"/api/transactions?limit=1&cursor={cursor}")).Cache);
        Assert.Null((await GetAsync(user, "/api/transactions?from=2020-01-01T00:00:00Z")).Cache);
    }

    [Fact]
    public async Task A_new_transaction_is_on_the_very_next_read_after_the_call_that_made_it_returns()
    {
        var user = await payment.FundedUserAsync(auth, 500_000m);
        var friend = await TestUsers.RegisterAndLoginAsync(auth);
        await WarmAsync(friend, "/api/transactions");

        // Several rounds: a read racing the event consumer would be caught in at least one of them.
        for (var round = 1; round <= 5; round++)
        {
            await WarmAsync(user, "/api/transactions");
            await WarmAsync(user, "/api/transactions/summary");

            var paid = await payment.PayAsync(user, round * 100m);
            Assert.Equal(HttpStatusCode.Created, paid.Status);

            // Not served from the cache (MISS; BYPASS when Redis is slower than the cache's timeout), and fresh.
            var page = await GetAsync(user, "/api/transactions");
            Assert.NotEqual("HIT", page.Cache);
            Assert.Equal(paid.Json.GetProperty("transactionId").GetString(), FirstTransactionId(page));
            var summary = await GetAsync(user, "/api/transactions/summary");
            Assert.NotEqual("HIT", summary.Cache);
            Assert.Equal(Enumerable.Range(1, round).Sum(r => r * 100m), JsonDocument.Parse(summary.Body).RootElement.GetProperty("outflow").GetDecimal());
        }

        // A transfer changes two users' histories: the recipient's cached page is replaced at once too.
        var sent = await payment.TransferAsync(user, friend, 777m);
        Assert.Equal(HttpStatusCode.Created, sent.Status);
        var received = await GetAsync(friend, "/api/transactions");
        Assert.NotEqual("HIT", received.Cache);
        var credit = JsonDocument.Parse(received.Body).RootElement.GetProperty("items")[0];
        Assert.Equal("CREDIT", credit.GetProperty("direction").GetString());
        Assert.Equal(777m, credit.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_Kafka_event_alone_invalidates_the_users_cached_pages()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var paid = await payment.PayAsync(user, 4_200m);
        var (key, value, _) = await KafkaEvents.FindAsync(fixture, paid.Json.GetProperty("transactionId").GetString()!);
        await WarmAsync(user, "/api/transactions");

        // A redelivered event changes no data (the inbox skips it) but still invalidates: nothing else could have.
        await KafkaEvents.RedeliverAsync(fixture, key, value);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        string? cache;
        do
        {
            await Task.Delay(200);
            cache = (await GetAsync(user, "/api/transactions")).Cache;
        }
        while (cache is "HIT" or "BYPASS" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("MISS", cache);
    }

    private sealed record Read(string? Cache, string Body);

    /// <summary>
    /// Reads until a read is a HIT (bounded): events of the user's earlier transactions may still arrive and
    /// invalidate a first MISS, and a Redis slower than the cache's timeout on a loaded machine answers BYPASS (read
    /// from Postgres, as designed). Returns the last MISS and the HIT after it.
    /// </summary>
    private async Task<(Read Miss, Read Hit)> WarmAsync(TestUser user, string path)
    {
        var previous = await GetAsync(user, path);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var next = await GetAsync(user, path);
            if (next.Cache == "HIT")
            {
                return (previous, next);
            }

            Assert.Contains(next.Cache, new[] { "MISS", "BYPASS" });
            previous = next.Cache == "MISS" ? next : previous;
            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"{path} never became a cache HIT");
    }

    private async Task<Read> GetAsync(TestUser user, string path)
    {
        using var response = await transactions.SendAsync(user.Authorized(HttpMethod.Get, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return new Read(response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null, body);
    }

    private static string? FirstTransactionId(Read page) =>
        JsonDocument.Parse(page.Body).RootElement.GetProperty("items")[0].GetProperty("transactionId").GetString();
}
