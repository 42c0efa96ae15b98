using System.Net;
using System.Net.Http.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

/// <summary>Top-ups through both e-wallet protocols against the provider sandbox's scenarios (chosen by amount).</summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TopUpTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Theory]
    [InlineData("GOPAY")]
    [InlineData("SHOPEE_PAY")]
    public async Task Confirmed_top_up_is_201_SUCCESS_and_credits_the_balance(string method)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.TopUpAsync(user, 150_000.00m, method);

        Assert.True(topUp.Status == HttpStatusCode.Created, topUp.Body);
        Assert.Equal("TOPUP", topUp.Json.GetProperty("type").GetString());
        Assert.Equal("SUCCESS", topUp.Json.GetProperty("status").GetString());
        Assert.Equal("CREDIT", topUp.Json.GetProperty("direction").GetString());
        Assert.Equal(method, topUp.Json.GetProperty("paymentMethod").GetString());
        Assert.Equal(0.00m, topUp.Json.GetProperty("balanceBefore").GetDecimal());
        Assert.Equal(150_000.00m, topUp.Json.GetProperty("balanceAfter").GetDecimal());
        Assert.Equal("IDR", topUp.Json.GetProperty("currency").GetString());
        Assert.StartsWith("TRX-", topUp.Json.GetProperty("transactionId").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(topUp.Json.GetProperty("externalReference").GetString()));
        Assert.Equal(150_000.00m, await payment.BalanceAsync(user));
    }

    [Theory]
    [InlineData("GOPAY")]
    [InlineData("SHOPEE_PAY")]
    public async Task Declined_top_up_is_402_with_the_FAILED_transaction_recorded(string method)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.TopUpAsync(user, 13_000.00m, method);

        await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.PaymentRequired, "PROVIDER_DECLINED");
        var failed = await payment.TransactionAsync(user, topUp.Json.GetProperty("transactionId").GetString()!);
        Assert.Equal("FAILED", failed!.Value.GetProperty("status").GetString());
        Assert.Equal(failed.Value.GetProperty("balanceBefore").GetDecimal(), failed.Value.GetProperty("balanceAfter").GetDecimal());
        Assert.Equal(0.00m, await payment.BalanceAsync(user));
    }

    [Theory]
    [InlineData("GOPAY", 15_000.00, "SUCCESS")]      // pending, then a signed callback confirms
    [InlineData("SHOPEE_PAY", 15_000.00, "SUCCESS")]
    [InlineData("GOPAY", 16_000.00, "SUCCESS")]      // pending, no callback: reconciliation confirms
    [InlineData("SHOPEE_PAY", 16_000.00, "SUCCESS")]
    [InlineData("GOPAY", 17_000.00, "FAILED")]       // pending, then a callback fails it
    [InlineData("SHOPEE_PAY", 17_000.00, "FAILED")]
    public async Task Pending_top_up_is_202_and_settles_exactly_once(string method, double amountValue, string finalStatus)
    {
        var amount = (decimal)amountValue;
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.TopUpAsync(user, amount, method);

        Assert.True(topUp.Status == HttpStatusCode.Accepted, topUp.Body);
        Assert.Equal("PENDING", topUp.Json.GetProperty("status").GetString());
        Assert.Equal(topUp.Json.GetProperty("balanceBefore").GetDecimal(), topUp.Json.GetProperty("balanceAfter").GetDecimal());
        Assert.Equal(0.00m, await payment.BalanceAsync(user));

        var settled = await payment.SettledAsync(user, topUp.Json.GetProperty("transactionId").GetString()!, TimeSpan.FromSeconds(30));

        Assert.Equal(finalStatus, settled.GetProperty("status").GetString());
        var expected = finalStatus == "SUCCESS" ? amount : 0.00m;
        Assert.Equal(expected, await payment.BalanceAsync(user));
        if (finalStatus == "SUCCESS")
        {
            Assert.Equal(0.00m, settled.GetProperty("balanceBefore").GetDecimal());
            Assert.Equal(amount, settled.GetProperty("balanceAfter").GetDecimal());
        }

        // Later callbacks and reconciliation passes change nothing more.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(expected, await payment.BalanceAsync(user));
    }

    [Theory]
    [InlineData("GOPAY")]
    [InlineData("SHOPEE_PAY")]
    public async Task Provider_timeout_is_503_and_reconciliation_credits_the_top_up_once(string method)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var key = Guid.NewGuid().ToString();

        var topUp = await payment.TopUpAsync(user, 14_000.00m, method, key);

        await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        var transactionId = topUp.Json.GetProperty("transactionId").GetString()!;
        var settled = await payment.SettledAsync(user, transactionId, TimeSpan.FromSeconds(40));
        Assert.Equal("SUCCESS", settled.GetProperty("status").GetString());
        // Retrying with the same key resumes the same top-up: no second charge, no second credit.
        var retry = await payment.TopUpAsync(user, 14_000.00m, method, key);
        Assert.True(retry.Status == HttpStatusCode.Created, retry.Body);
        Assert.Equal(transactionId, retry.Json.GetProperty("transactionId").GetString());
        Assert.Equal(14_000.00m, await payment.BalanceAsync(user));
    }

    [Theory]
    [InlineData(9_999.99)]
    [InlineData(10_000_000.01)]
    public async Task Amount_outside_the_top_up_limits_is_400(double amount)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.TopUpAsync(user, (decimal)amount);

        await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Top_up_beyond_the_balance_cap_is_422_BALANCE_LIMIT_EXCEEDED()
    {
        var user = await payment.FundedUserAsync(auth, 15_000_000m);

        var topUp = await payment.TopUpAsync(user, 5_000_000.01m);

        await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED");
        Assert.Equal(15_000_000m, await payment.BalanceAsync(user));
    }

    [Fact]
    public async Task Unknown_payment_method_is_400()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        var topUp = await payment.PostAsync(user, "/api/payments/topup", new { amount = 50_000, paymentMethod = "OVO" });

        var problem = await ProblemAssert.IsProblem(topUp.Message, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("paymentMethod", out _));
    }
}
