using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// The back-office console (OneGate.Backoffice) in a real browser against the running app: operators log in with
/// password and TOTP, find a user, act on the account with a reason, and read the trail; what a role may not do is
/// neither shown nor allowed. The run saves the main pages as docs/backoffice/*.png.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class ConsoleBrowserTests(OneGateAppFixture fixture)
{
    private static readonly LocatorAssertionsToHaveCountOptions Patient = new() { Timeout = 30_000 };

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient paymentAdmin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Operations_logs_in_with_totp_finds_a_user_and_suspends_with_a_reason_then_the_payment_is_423_and_the_trail_names_the_operator()
    {
        var user = await payment.FundedUserAsync(auth, 25_000m);
        var operations = await Operators.CreateAsync(fixture, "OPERATIONS");
        var compliance = await Operators.CreateAsync(fixture, "COMPLIANCE");
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);

        var login = await browser.LoginPageAsync();
        await ConsoleBrowser.ScreenshotAsync(login, "login");
        await ConsoleBrowser.SubmitLoginAsync(login, operations, await operations.Clock.NextCodeAsync(operations.TotpSecret));
        await ConsoleBrowser.ExpectSignedInAsync(login, operations);
        await ConsoleBrowser.OpenUserAsync(login, user.Username, screenshot: "search");
        var page = login;
        await Assertions.Expect(page.GetByTestId("account-status")).ToHaveTextAsync("ACTIVE");
        await ConsoleBrowser.ScreenshotAsync(page, "account");
        await page.GetByLabel("Reason for suspending").FillAsync("fraud report #5150 (browser)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend account" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("account-status")).ToHaveTextAsync("SUSPENDED", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend account" })).ToHaveCountAsync(0);

        var paid = await payment.PayAsync(user, 1_000m);

        Assert.Equal(HttpStatusCode.Locked, paid.Status);
        Assert.Equal("ACCOUNT_NOT_ACTIVE", paid.Json.GetProperty("code").GetString());
        var trail = await browser.LoginAsync(compliance);
        await ConsoleBrowser.GoToAsync(trail, "Audit trail");
        await trail.GetByLabel("Trail").SelectOptionAsync("payment");
        await trail.GetByLabel("Action").FillAsync("account.suspend");
        await trail.GetByLabel("Actor id").FillAsync(operations.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await trail.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var row = trail.GetByRole(AriaRole.Row).Filter(new() { HasText = "account.suspend" });
        await Assertions.Expect(row).ToHaveCountAsync(1, Patient);
        await Assertions.Expect(row).ToContainTextAsync(operations.Username);
        await Assertions.Expect(row).ToContainTextAsync("fraud report #5150 (browser)");
        await ConsoleBrowser.ScreenshotAsync(trail, "audit");
    }

    [Fact]
    public async Task Support_sees_the_account_without_status_actions_and_the_api_refuses_a_forged_suspend()
    {
        var user = await payment.FundedUserAsync(auth, 10_000m);
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);

        var page = await browser.LoginAsync(support);
        await ConsoleBrowser.OpenUserAsync(page, user.Username);
        await Assertions.Expect(page.GetByTestId("account-status")).ToHaveTextAsync("ACTIVE");
        await Assertions.Expect(page.GetByText("E-mail and phone are masked for your role.")).ToHaveCountAsync(1);
        // What the console does not show, the service still refuses: the suspend the page would have sent.
        var account = Guid.Parse(await page.Locator("dt:text-is('Account id') + dd").InnerTextAsync());
        using var forged = await paymentAdmin.SendAsync(support.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend",
            new { reason = "forged by a support operator" }));

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend account" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("Reason for suspending")).ToHaveCountAsync(0);
        await ProblemAssert.IsProblem(forged, HttpStatusCode.Forbidden, "FORBIDDEN");
        using var after = await paymentAdmin.SendAsync(support.Authorized(HttpMethod.Get, $"/api/admin/accounts/{account}"));
        Assert.Equal("ACTIVE", (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 100m)).Status);
    }

    [Fact]
    public async Task Logout_and_a_session_ended_at_auth_both_lead_back_to_the_login_page()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        var admin = await Operators.AdminAsync(fixture);
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);

        var page = await browser.LoginAsync(op);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You are logged out.")).ToHaveCountAsync(1, Patient);
        await page.GotoAsync("/search");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operator login" })).ToHaveCountAsync(1, Patient);

        var again = await browser.LoginAsync(op);
        using var deactivated = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/deactivate", new { reason = "left the company" }));
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        await ConsoleBrowser.GoToAsync(again, "Stranded money");

        await Assertions.Expect(again.GetByText("Your session has ended")).ToHaveCountAsync(1, Patient);
        await Assertions.Expect(again.GetByText("Signed in as")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_wrong_totp_code_shows_the_problems_title_and_code_and_no_session_starts()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);
        var page = await browser.LoginPageAsync();

        await ConsoleBrowser.SubmitLoginAsync(page, op, TotpClock.Code(op.TotpSecret, TotpClock.CurrentStep + 20));

        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("INVALID_CREDENTIALS", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("Signed in as")).ToHaveCountAsync(0);
        await page.GotoAsync("/search");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operator login" })).ToHaveCountAsync(1, Patient);
    }
}
