using System.Net;
using System.Text;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

[Collection(OneGateAppCollection.Name)]
public sealed class MoneyMovementTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient paymentClient = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Balance_opens_the_account_at_zero_IDR_ACTIVE()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var response = await paymentClient.SendAsync(user.Authorized(HttpMethod.Get, "/api/payments/balance"));

        var json = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        Assert.Equal(0.00m, json.GetProperty("balance").GetDecimal());
        Assert.Equal("IDR", json.GetProperty("currency").GetString());
        Assert.Equal("ACTIVE", json.GetProperty("status").GetString());
        Assert.True(Guid.TryParse(json.GetProperty("accountId").GetString(), out _));
    }

    [Fact]
    public async Task Pay_debits_with_before_and_after_and_refuses_what_the_balance_cannot_cover()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);

        var paid = await payment.PayAsync(user, 20_000.50m);
        var tooMuch = await payment.PayAsync(user, 79_999.51m);

        Assert.True(paid.Status == HttpStatusCode.Created, paid.Body);
        Assert.Equal("PAYMENT", paid.Json.GetProperty("type").GetString());
        Assert.Equal("DEBIT", paid.Json.GetProperty("direction").GetString());
        Assert.Equal(100_000.00m, paid.Json.GetProperty("balanceBefore").GetDecimal());
        Assert.Equal(79_999.50m, paid.Json.GetProperty("balanceAfter").GetDecimal());
        await ProblemAssert.IsProblem(tooMuch.Message, HttpStatusCode.UnprocessableEntity, "INSUFFICIENT_FUNDS");
        Assert.Equal(79_999.50m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Transfer_by_username_or_phone_debits_the_sender_and_credits_the_recipient_with_linked_rows()
    {
        var sender = await payment.FundedUserAsync(auth, 100_000m);
        var recipient = await TestUsers.RegisterAndLoginAsync(auth);

        var byName = await payment.TransferAsync(sender, recipient, 30_000m);
        var byPhone = await payment.PostAsync(sender, "/api/payments/transfer", new { toPhone = "0" + recipient.Phone[3..], amount = 20_000m, description = "arisan" });

        Assert.True(byName.Status == HttpStatusCode.Created, byName.Body);
        Assert.True(byPhone.Status == HttpStatusCode.Created, byPhone.Body);
        Assert.Equal("TRANSFER", byName.Json.GetProperty("type").GetString());
        Assert.Equal("DEBIT", byName.Json.GetProperty("direction").GetString());
        Assert.Equal(50_000m, await payment.BalanceAsync(sender));
        Assert.Equal(50_000m, await payment.BalanceAsync(recipient));

        // The recipient's own CREDIT row, with its own id, linked to the sender's by the transfer reference.
        await using var db = new Npgsql.NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT r.transaction_id, r.direction::text, r.amount FROM historical_transactions s JOIN historical_transactions r " +
            "ON r.transfer_reference = s.transfer_reference AND r.transaction_id <> s.transaction_id WHERE s.transaction_id = $1", db)
        { Parameters = { new() { Value = byName.Json.GetProperty("transactionId").GetString() } } };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.NotEqual(byName.Json.GetProperty("transactionId").GetString(), reader.GetString(0));
        Assert.Equal("CREDIT", reader.GetString(1));
        Assert.Equal(30_000m, reader.GetDecimal(2));
    }

    [Fact]
    public async Task Transfer_refusals_have_their_codes_and_move_nothing()
    {
        var sender = await payment.FundedUserAsync(auth, 50_000m);
        var rich = await payment.FundedUserAsync(auth, 19_990_000m);

        var self = await payment.TransferAsync(sender, sender, 1_000m);
        var nobody = await payment.PostAsync(sender, "/api/payments/transfer", new { toUsername = "no_such_user_" + Guid.NewGuid().ToString("N")[..8], amount = 1_000m });
        var tooMuch = await payment.TransferAsync(sender, rich, 50_000.01m);
        var overCap = await payment.TransferAsync(sender, rich, 10_000.01m);
        var both = await payment.PostAsync(sender, "/api/payments/transfer", new { toUsername = rich.Username, toPhone = rich.Phone, amount = 1_000m });

        await ProblemAssert.IsProblem(self.Message, HttpStatusCode.UnprocessableEntity, "SELF_TRANSFER");
        await ProblemAssert.IsProblem(nobody.Message, HttpStatusCode.NotFound, "RECIPIENT_NOT_FOUND");
        await ProblemAssert.IsProblem(tooMuch.Message, HttpStatusCode.UnprocessableEntity, "INSUFFICIENT_FUNDS");
        await ProblemAssert.IsProblem(overCap.Message, HttpStatusCode.UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED");
        await ProblemAssert.IsProblem(both.Message, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(50_000m, await payment.BalanceAsync(sender));
        Assert.Equal(19_990_000m, await payment.BalanceAsync(rich));
    }

    [Fact]
    public async Task Refunds_never_total_more_than_the_payment()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var other = await payment.FundedUserAsync(auth, 100_000m);
        var paid = await payment.PayAsync(user, 40_000m);
        var paymentId = paid.Json.GetProperty("transactionId").GetString()!;
        var othersPayment = (await payment.PayAsync(other, 10_000m)).Json.GetProperty("transactionId").GetString()!;
        var topUpId = (await payment.TopUpAsync(user, 10_000m)).Json.GetProperty("transactionId").GetString()!;

        var partial = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = paymentId, amount = 15_000m, reason = "one item missing" });
        var tooMuch = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = paymentId, amount = 25_000.01m });
        var rest = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = paymentId });
        var again = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = paymentId });
        var notMine = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = othersPayment });
        var topUp = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = topUpId });

        Assert.True(partial.Status == HttpStatusCode.Created, partial.Body);
        Assert.Equal("REFUND", partial.Json.GetProperty("type").GetString());
        Assert.Equal("CREDIT", partial.Json.GetProperty("direction").GetString());
        await ProblemAssert.IsProblem(tooMuch.Message, HttpStatusCode.UnprocessableEntity, "REFUND_EXCEEDS_PAYMENT");
        Assert.True(rest.Status == HttpStatusCode.Created, rest.Body);
        Assert.Equal(25_000m, rest.Json.GetProperty("amount").GetDecimal());
        await ProblemAssert.IsProblem(again.Message, HttpStatusCode.UnprocessableEntity, "NOT_REFUNDABLE");
        await ProblemAssert.IsProblem(notMine.Message, HttpStatusCode.NotFound, "TRANSACTION_NOT_FOUND");
        await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.UnprocessableEntity, "NOT_REFUNDABLE");
        Assert.Equal(110_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Another_users_transaction_is_404()
    {
        var owner = await payment.FundedUserAsync(auth, 50_000m);
        var stranger = await TestUsers.RegisterAndLoginAsync(auth);
        var paid = await payment.PayAsync(owner, 1_000m);

        using var response = await paymentClient.SendAsync(stranger.Authorized(HttpMethod.Get, $"/api/payments/transactions/{paid.Json.GetProperty("transactionId").GetString()}"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound, "TRANSACTION_NOT_FOUND");
    }

    public static TheoryData<string> BadAmounts() => new()
    {
        """{"amount":0,"merchant":"m"}""",
        """{"amount":-5,"merchant":"m"}""",
        """{"amount":10.001,"merchant":"m"}""",
        """{"amount":1e20,"merchant":"m"}""",
        """{"amount":10000000000000.00,"merchant":"m"}""",
        """{"merchant":"m"}""",
        """{"amount":100}""",
    };

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public async Task Invalid_amounts_are_400_VALIDATION_FAILED(string json)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        using var request = user.Authorized(HttpMethod.Post, "/api/payments/pay");
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await paymentClient.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("""{"amount":"NaN","merchant":"m"}""")]
    [InlineData("""{"amount":1e400,"merchant":"m"}""")]
    [InlineData("""{"amount":100,"merchant":"m" """)]
    public async Task Unreadable_amounts_are_400_MALFORMED_REQUEST(string json)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        using var request = user.Authorized(HttpMethod.Post, "/api/payments/pay");
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await paymentClient.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
    }
}
