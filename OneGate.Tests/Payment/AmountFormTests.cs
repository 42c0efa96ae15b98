using System.Net;
using System.Text.RegularExpressions;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

/// <summary>The contract's money form: at most two fraction digits in, exactly two out.</summary>
[Collection(OneGateAppCollection.Name)]
public sealed partial class AmountFormTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient paymentClient = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task A_third_fraction_digit_is_400_VALIDATION_FAILED_on_every_money_endpoint_even_when_zero_and_moves_nothing()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var recipient = await TestUsers.RegisterAndLoginAsync(auth);
        var paid = await payment.PayAsync(user, 5_000m);
        var paymentId = paid.Json.GetProperty("transactionId").GetString();

        var answers = new[]
        {
            await payment.PostJsonAsync(user, "/api/payments/pay", """{"amount":1000.000,"merchant":"m"}"""),
            await payment.PostJsonAsync(user, "/api/payments/transfer", $$"""{"toUsername":"{{recipient.Username}}","amount":1000.000}"""),
            await payment.PostJsonAsync(user, "/api/payments/refund", $$"""{"transactionId":"{{paymentId}}","amount":1000.000}"""),
            await payment.PostJsonAsync(user, "/api/payments/topup", """{"amount":20000.000,"paymentMethod":"GOPAY"}"""),
        };

        foreach (var answer in answers)
        {
            var problem = await ProblemAssert.IsProblem(answer.Message, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty("amount", out _), answer.Body);
        }

        Assert.Equal(95_000m, await payment.BalanceAsync(user));
        Assert.Equal(0m, await payment.BalanceAsync(recipient));
    }

    [Theory]
    [InlineData("1000", "1000.00")]
    [InlineData("1000.5", "1000.50")]
    [InlineData("1000.00", "1000.00")]
    public async Task Amounts_with_up_to_two_fraction_digits_pass_and_are_echoed_with_exactly_two(string sent, string echoed)
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        var recipient = await TestUsers.RegisterAndLoginAsync(auth);

        var paid = await payment.PostJsonAsync(user, "/api/payments/pay", $$"""{"amount":{{sent}},"merchant":"m"}""");
        var paymentId = paid.Json.GetProperty("transactionId").GetString();
        var answers = new[]
        {
            paid,
            await payment.PostJsonAsync(user, "/api/payments/transfer", $$"""{"toUsername":"{{recipient.Username}}","amount":{{sent}}}"""),
            await payment.PostJsonAsync(user, "/api/payments/refund", $$"""{"transactionId":"{{paymentId}}","amount":{{sent}}}"""),
            await payment.PostJsonAsync(user, "/api/payments/topup", $$"""{"amount":1{{sent}},"paymentMethod":"GOPAY"}"""),
        };

        foreach (var (answer, amount) in answers.Zip([echoed, echoed, echoed, "1" + echoed]))
        {
            Assert.True(answer.Status == HttpStatusCode.Created, answer.Body);
            Assert.Contains($"\"amount\":{amount},", answer.Body, StringComparison.Ordinal);
            AssertTwoFractionDigits(answer.Body);
        }

        using var balance = await paymentClient.SendAsync(user.Authorized(HttpMethod.Get, "/api/payments/balance"));
        AssertTwoFractionDigits(await balance.Content.ReadAsStringAsync());
    }

    private static void AssertTwoFractionDigits(string body)
    {
        var amounts = MoneyField().Matches(body);
        Assert.NotEmpty(amounts);
        Assert.All(amounts, m => Assert.Matches(@"^-?\d+\.\d\d$", m.Groups[2].Value));
    }

    [GeneratedRegex("\"(amount|balance|balanceBefore|balanceAfter)\":(-?[0-9.eE+-]+)")]
    private static partial Regex MoneyField();
}
