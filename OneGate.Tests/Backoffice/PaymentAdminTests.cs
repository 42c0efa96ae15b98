using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Payment's back office through the running app: operators find accounts, OPERATIONS suspends/reactivates/closes with
/// a reason, every change lands in payment.audit_events (operator's id, name, role, before/after, reason, client
/// address, trace id) and the chain verifies; other roles and user tokens are refused and change nothing.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class PaymentAdminTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Operations_suspends_with_a_reason_then_the_users_payment_is_423_and_the_audit_trail_names_the_operator()
    {
        var user = await payment.FundedUserAsync(auth, 50_000m);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var account = await AccountOfAsync(operations, user.Id);

        using var suspended = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend",
            new { reason = "fraud report #4711" }));
        var paid = await payment.PayAsync(user, 1_000m);
        using var reactivated = await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/reactivate",
            new { reason = "report cleared" }));
        var paidAgain = await payment.PayAsync(user, 1_000m);

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal("SUSPENDED", (await suspended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Locked, paid.Status);
        Assert.Equal("ACCOUNT_NOT_ACTIVE", paid.Json.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.Equal(HttpStatusCode.Created, paidAgain.Status);
        var rows = await PaymentAuditRowsAsync(account);
        Assert.Equal(["account.suspend", "account.reactivate"], rows.Select(r => r.Action));
        // The read that found the account is recorded too, with who read it (reads of people's money are audited).
        var view = Assert.Single(await Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events",
            "target_type = 'account' AND target_id = $1 AND action = 'account.view'", account.ToString()));
        Assert.Equal(operations.Username, view.Fields[4]);
        var suspend = rows[0];
        Assert.Equal("OPERATOR", suspend.ActorType);
        Assert.Equal(operations.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), suspend.ActorId);
        Assert.Equal(operations.Username, suspend.Fields[4]);
        Assert.Equal("OPERATIONS", suspend.Fields[5]);
        Assert.Equal("fraud report #4711", suspend.Fields[11]);
        Assert.Equal("ACTIVE", JsonDocument.Parse(suspend.Fields[9]!).RootElement.GetProperty("status").GetString());
        Assert.Equal("SUSPENDED", JsonDocument.Parse(suspend.After!).RootElement.GetProperty("status").GetString());
        Assert.Equal(50_000m, JsonDocument.Parse(suspend.After!).RootElement.GetProperty("balance").GetDecimal());
        Assert.False(string.IsNullOrEmpty(suspend.ClientAddress));
        Assert.Matches("^[0-9a-f]{32}$", suspend.TraceId);
        await AssertChainVerifiesAsync();
    }

    [Fact]
    public async Task Support_reads_an_account_but_gets_403_on_suspend_and_nothing_changes()
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");

        using var found = await admin.SendAsync(support.Authorized(HttpMethod.Get, $"/api/admin/users/{user.Id}/account"));
        var view = await found.Content.ReadFromJsonAsync<JsonElement>();
        var account = view.GetProperty("accountId").GetGuid();
        using var refused = await admin.SendAsync(support.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "not mine to do" }));

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(10_000m, view.GetProperty("balance").GetDecimal());
        Assert.Equal("ACTIVE", view.GetProperty("status").GetString());
        Assert.Equal("TOPUP", view.GetProperty("recentTransactions")[0].GetProperty("type").GetString());
        await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 100m)).Status);
        Assert.Empty(await PaymentAuditRowsAsync(account));
    }

    [Fact]
    public async Task A_user_token_is_refused_on_the_admin_api()
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var account = await AccountOfAsync(operations, user.Id);

        using var read = await admin.SendAsync(user.Authorized(HttpMethod.Get, $"/api/admin/accounts/{account}"));
        using var suspend = await admin.SendAsync(user.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "myself" }));

        Assert.Contains(read.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Contains(suspend.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 100m)).Status);
    }

    [Fact]
    public async Task An_operator_token_moves_no_money_as_a_user()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");

        using var paid = await admin.SendAsync(operations.Authorized(HttpMethod.Post, "/api/payments/pay", new { amount = 100, merchant = "m" }));

        Assert.Equal(HttpStatusCode.Unauthorized, paid.StatusCode);
    }

    [Fact]
    public async Task An_operator_session_ended_at_Auth_is_refused_at_Payment()
    {
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        using (var before = await admin.SendAsync(support.Authorized(HttpMethod.Get, "/api/admin/stranded-money")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var logout = await auth.SendAsync(support.Authorized(HttpMethod.Post, "/api/admin/auth/logout")))
        {
            Assert.True(logout.IsSuccessStatusCode, $"logout: {(int)logout.StatusCode}");
        }

        using var after = await admin.SendAsync(support.Authorized(HttpMethod.Get, "/api/admin/stranded-money"));

        await ProblemAssert.IsProblem(after, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Close_with_money_is_409_and_a_closed_account_never_reopens()
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var account = await AccountOfAsync(operations, user.Id);

        using var withMoney = await Act(operations, account, "close", "customer asked");
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 10_000m)).Status);
        using var atZero = await Act(operations, account, "close", "customer asked");
        using var reopen = await Act(operations, account, "reactivate", "changed their mind");
        var paid = await payment.TopUpAsync(user, 10_000m);

        var problem = await ProblemAssert.IsProblem(withMoney, HttpStatusCode.Conflict, "BALANCE_NOT_ZERO");
        Assert.Equal(10_000m, problem.GetProperty("balance").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, atZero.StatusCode);
        await ProblemAssert.IsProblem(reopen, HttpStatusCode.Conflict, "ACCOUNT_CLOSED");
        Assert.Equal(HttpStatusCode.Locked, paid.Status);
        Assert.Equal(["account.close"], (await PaymentAuditRowsAsync(account)).Select(r => r.Action));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"reason":"   "}""")]
    [InlineData("""{"reason":null}""")]
    public async Task Suspend_without_a_reason_is_400_and_changes_nothing(string body)
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var account = await AccountOfAsync(operations, user.Id);
        using var request = operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await admin.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 100m)).Status);
        Assert.Empty(await PaymentAuditRowsAsync(account));
    }

    [Fact]
    public async Task An_unknown_account_is_404_ACCOUNT_NOT_FOUND()
    {
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");

        using var read = await admin.SendAsync(operations.Authorized(HttpMethod.Get, $"/api/admin/accounts/{Guid.NewGuid()}"));
        using var suspend = await Act(operations, Guid.NewGuid(), "suspend", "no such account");

        await ProblemAssert.IsProblem(read, HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
        await ProblemAssert.IsProblem(suspend, HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
    }

    private Task<HttpResponseMessage> Act(TestOperator op, Guid account, string verb, string reason) =>
        admin.SendAsync(op.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/{verb}", new { reason }));

    private async Task<Guid> AccountOfAsync(TestOperator op, int userId)
    {
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, $"/api/admin/users/{userId}/account"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountId").GetGuid();
    }

    /// <summary>The account's changes in Payment's trail (its reads, <c>account.view</c>, left out).</summary>
    private Task<List<Audit.AuditRow>> PaymentAuditRowsAsync(Guid account) =>
        Audit.AuditRow.ReadFromAsync(fixture, "payment.audit_events", "target_type = 'account' AND target_id = $1 AND action <> 'account.view'", account.ToString());

    private async Task AssertChainVerifiesAsync()
    {
        var (exit, output, error) = await RegulatorKeys.RunCommandAsync(fixture, ["audit", "verify"], "OneGate.Payment");
        Assert.True(exit == 0, $"audit verify exited {exit}: {output} {error}");
        Assert.Contains("Audit chain intact", output, StringComparison.Ordinal);
    }
}
