using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

[Collection(OneGateAppCollection.Name)]
public sealed class IdempotencyTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Same_key_and_body_replays_the_first_response_and_moves_money_once()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var key = Guid.NewGuid().ToString();

        var first = await payment.PayAsync(user, 10_000m, key: key);
        var second = await payment.PayAsync(user, 10_000m, key: key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("true", second.Message.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Message.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(90_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task A_refusal_is_replayed_too()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var key = Guid.NewGuid().ToString();

        var first = await payment.PayAsync(user, 10_000m, key: key);
        var second = await payment.PayAsync(user, 10_000m, key: key);

        await ProblemAssert.IsProblem(first.Message, HttpStatusCode.UnprocessableEntity, "INSUFFICIENT_FUNDS");
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("true", second.Message.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422_IDEMPOTENCY_KEY_REUSED()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var key = Guid.NewGuid().ToString();
        await payment.PayAsync(user, 10_000m, key: key);

        var reused = await payment.PayAsync(user, 20_000m, key: key);
        var otherEndpoint = await payment.TopUpAsync(user, 20_000m, key: key);

        await ProblemAssert.IsProblem(reused.Message, HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        await ProblemAssert.IsProblem(otherEndpoint.Message, HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(90_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        var a = await payment.FundedUserAsync(auth, 50_000m);
        var b = await payment.FundedUserAsync(auth, 50_000m);
        var key = Guid.NewGuid().ToString();

        var first = await payment.PayAsync(a, 5_000m, key: key);
        var second = await payment.PayAsync(b, 5_000m, key: key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.NotEqual(first.Json.GetProperty("transactionId").GetString(), second.Json.GetProperty("transactionId").GetString());
    }

    [Fact]
    public async Task Missing_or_invalid_key_is_400()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        using var client = fixture.CreateClient("payment");
        using var request = user.Authorized(HttpMethod.Post, "/api/payments/pay", new { amount = 1_000, merchant = "m" });

        using var missing = await client.SendAsync(request);
        var tooLong = await payment.PayAsync(user, 1_000m, key: new string('k', 256));

        await ProblemAssert.IsProblem(missing, HttpStatusCode.BadRequest, "IDEMPOTENCY_KEY_REQUIRED");
        await ProblemAssert.IsProblem(tooLong.Message, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_move_money_once()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => payment.PayAsync(user, 7_000m, key: key)));

        // A payment stores its key with the movement, so the others wait for the first one's commit and replay it
        // (the contract's "or wait and replay"): one original answer, five replays of it, money moved once.
        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(results, r => !r.Message.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(results.Select(r => r.Json.GetProperty("transactionId").GetString()).Distinct());
        Assert.Equal(93_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Concurrent_transfers_with_one_key_and_different_bodies_move_money_once()
    {
        var sender = await payment.FundedUserAsync(auth, 100_000m);
        var first = await TestUsers.RegisterAndLoginAsync(auth);
        var second = await TestUsers.RegisterAndLoginAsync(auth);
        var key = Guid.NewGuid().ToString();

        // The same key for transfers to two different people, raced: exactly one runs; the other body is refused
        // as a reused key, whichever commits first.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            payment.TransferAsync(sender, i % 2 == 0 ? first : second, 10_000m, key: key)));

        var created = results.Where(r => r.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Json.GetProperty("transactionId").GetString()).Distinct());
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created),
            r => Assert.Contains("IDEMPOTENCY_KEY_REUSED", r.Body, StringComparison.Ordinal));
        Assert.Equal(90_000m, await payment.BalanceAsync(sender));
        Assert.Equal(10_000m, await payment.BalanceAsync(first) + await payment.BalanceAsync(second));
    }
}
