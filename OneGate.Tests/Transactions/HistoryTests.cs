using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Transactions;

[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class HistoryTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient transactions = fixture.CreateClient("transaction");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Pages_are_newest_first_and_stable_while_new_transactions_arrive()
    {
        var user = await payment.FundedUserAsync(auth, 500_000m);
        for (var i = 1; i <= 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, i * 100m)).Status);
        }

        var all = await PageAsync(user, "limit=100");
        Assert.Equal(8, all.Items.Count);
        Assert.Equal(all.Items.OrderByDescending(t => t.CreatedAt).Select(t => t.TransactionId), all.Items.Select(t => t.TransactionId));

        var first = await PageAsync(user, "limit=3");
        await payment.PayAsync(user, 1m); // newer rows arrive between pages
        await payment.PayAsync(user, 2m);
        var second = await PageAsync(user, $"limit=3&cursor={first.NextCursor}");
        var third = await PageAsync(user, $"limit=3&cursor={second.NextCursor}");

        var paged = first.Items.Concat(second.Items).Concat(third.Items).Select(t => t.TransactionId).ToList();
        Assert.Equal(all.Items.Select(t => t.TransactionId), paged);
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task Filters_by_type_status_and_period()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        await payment.PayAsync(user, 1_000m);
        await payment.TopUpAsync(user, 13_000m); // declined: FAILED
        var before = DateTimeOffset.UtcNow;

        var payments = await PageAsync(user, "type=PAYMENT");
        var failed = await PageAsync(user, "status=FAILED");
        var topUps = await PageAsync(user, "type=TOPUP&status=SUCCESS");
        var future = await PageAsync(user, $"from={Uri.EscapeDataString(before.AddHours(1).ToString("O"))}");

        Assert.All(payments.Items, t => Assert.Equal("PAYMENT", t.Type));
        Assert.Single(payments.Items);
        var fail = Assert.Single(failed.Items);
        Assert.Equal("TOPUP", fail.Type);
        Assert.Single(topUps.Items);
        Assert.Empty(future.Items);
    }

    [Fact]
    public async Task One_user_never_sees_another_users_transactions()
    {
        var owner = await payment.FundedUserAsync(auth, 50_000m);
        var stranger = await TestUsers.RegisterAndLoginAsync(auth);
        var paid = await payment.PayAsync(owner, 500m);

        var strangersPage = await PageAsync(stranger, "limit=100");
        using var direct = await transactions.SendAsync(stranger.Authorized(HttpMethod.Get, $"/api/transactions/{paid.Json.GetProperty("transactionId").GetString()}"));
        using var own = await transactions.SendAsync(owner.Authorized(HttpMethod.Get, $"/api/transactions/{paid.Json.GetProperty("transactionId").GetString()}"));

        Assert.Empty(strangersPage.Items);
        await ProblemAssert.IsProblem(direct, HttpStatusCode.NotFound, "TRANSACTION_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("type=FOO", "type")]
    [InlineData("status=done", "status")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", "from")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Invalid_query_is_400_VALIDATION_FAILED(string query, string field)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var response = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions?" + query));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Summary_counts_inflow_outflow_and_totals_by_type_and_status()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var friend = await TestUsers.RegisterAndLoginAsync(auth);
        await payment.PayAsync(user, 10_000m);
        await payment.TransferAsync(user, friend, 5_000m);
        await payment.TopUpAsync(user, 13_000m); // FAILED: listed, not in inflow

        using var response = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions/summary"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(100_000m, summary.GetProperty("inflow").GetDecimal());
        Assert.Equal(15_000m, summary.GetProperty("outflow").GetDecimal());
        Assert.Equal("IDR", summary.GetProperty("currency").GetString());
        var lines = summary.GetProperty("byType").EnumerateArray().ToList();
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "TOPUP" && l.GetProperty("status").GetString() == "FAILED" && l.GetProperty("count").GetInt64() == 1);
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "TRANSFER" && l.GetProperty("amount").GetDecimal() == 5_000m);
    }

    [Fact]
    public async Task Summary_without_movements_echoes_zero_amounts_with_two_fraction_digits()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var response = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions/summary"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("\"inflow\":0.00,\"outflow\":0.00,", body, StringComparison.Ordinal);
    }

    private sealed record Item(string TransactionId, string Type, string Status, DateTimeOffset CreatedAt);

    private sealed record Page(List<Item> Items, string? NextCursor);

    private async Task<Page> PageAsync(TestUser user, string query)
    {
        using var response = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions?" + query));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize<Page>(body, JsonSerializerOptions.Web)!;
    }
}
