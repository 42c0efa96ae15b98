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
    public async Task Same_key_with_the_same_values_in_another_form_replays_and_another_value_is_422()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var key = Guid.NewGuid().ToString();

        var first = await payment.PostJsonAsync(user, "/api/payments/pay", """{"amount":1000,"merchant":"Warung"}""", key);
        var reformatted = await payment.PostJsonAsync(user, "/api/payments/pay", "{ \"merchant\" : \"W\\u0061rung\",\n  \"amount\" : 1000.00 }", key);
        var oneDecimal = await payment.PostJsonAsync(user, "/api/payments/pay", """{"merchant":"Warung","amount":1000.0}""", key);
        var otherAmount = await payment.PostJsonAsync(user, "/api/payments/pay", """{"amount":1000.01,"merchant":"Warung"}""", key);
        var otherField = await payment.PostJsonAsync(user, "/api/payments/pay", """{"amount":1000,"merchant":"Warung","description":"x"}""", key);

        Assert.True(first.Status == HttpStatusCode.Created, first.Body);
        foreach (var replay in new[] { reformatted, oneDecimal })
        {
            Assert.True(replay.Status == HttpStatusCode.Created, replay.Body);
            Assert.Equal(first.Body, replay.Body);
            Assert.Equal("true", replay.Message.Headers.GetValues("Idempotent-Replayed").Single());
        }

        await ProblemAssert.IsProblem(otherAmount.Message, HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        await ProblemAssert.IsProblem(otherField.Message, HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(99_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_and_bodies_differing_only_in_form_move_money_once()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var key = Guid.NewGuid().ToString();
        string[] forms =
        [
            """{"amount":1000,"merchant":"Warung"}""",
            """{"merchant":"Warung","amount":1000.00}""",
            """{ "amount" : 1000.0 , "merchant" : "Warung" }""",
            """{"merchant":"Warung","description":null,"amount":1000}""",
        ];

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => payment.PostJsonAsync(user, "/api/payments/pay", forms[i % forms.Length], key)));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Body));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Equal(99_000m, await payment.BalanceAsync(user));
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
