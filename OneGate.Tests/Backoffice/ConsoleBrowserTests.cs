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
    public async Task Compliance_issues_a_regulator_key_sees_it_once_and_the_key_reads_the_external_api()
    {
        var compliance = await Operators.CreateAsync(fixture, "COMPLIANCE");
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);
        var page = await browser.LoginAsync(compliance);
        var name = $"console-{Guid.NewGuid():N}"[..24];

        await ConsoleBrowser.GoToAsync(page, "Regulator keys");
        await page.GetByLabel("Key name for OJK").FillAsync(name);
        var shown = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Issue key for OJK" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/regulators", StringComparison.Ordinal));
        var secretField = page.GetByLabel("Secret", new() { Exact = true });
        await ConsoleBrowser.ExpectShownAsync(page, secretField);
        var secret = await secretField.InputValueAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("ACTIVE");
        // The committed picture shows no secret, not even a test's.
        await secretField.EvaluateAsync("field => field.value = 'og_live_' + '•'.repeat(32)");
        await ConsoleBrowser.ScreenshotAsync(page, "regulators");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(1, Patient);
        var afterReload = await page.ContentAsync();
        using var regulatorApi = fixture.CreateClient("transaction");
        var regulator = new Regulators.RegulatorClient(regulatorApi);
        (HttpStatusCode Status, string Body) read = default;
        // A regulator retries a 503 (its limiter's Redis can time out on a loaded machine; Retry-After says when).
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await regulator.GetAsync(Regulators.RegulatorClient.TransactionsPath, secret);
            read = (response.StatusCode, await response.Content.ReadAsStringAsync());
            return read.Status != HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), () => $"the key's read still 503: {read.Body}");

        Assert.StartsWith("og_", secret, StringComparison.Ordinal);
        Assert.Contains("no-store", await shown.HeaderValueAsync("cache-control") ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(secret, afterReload, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByLabel("Secret", new() { Exact = true }).CountAsync());
        Assert.True(read.Status == HttpStatusCode.OK, $"{(int)read.Status} {read.Body}");
    }

    [Fact]
    public async Task Admin_creates_an_operator_whose_enrolment_is_shown_once_and_works()
    {
        var admin = await Operators.AdminAsync(fixture);
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);
        var page = await browser.LoginAsync(admin);
        var username = $"op-{Guid.NewGuid():N}"[..20];

        await ConsoleBrowser.GoToAsync(page, "Operators");
        var form = page.GetByRole(AriaRole.Region, new() { Name = "New operator" });
        await form.GetByLabel("Username").FillAsync(username);
        await form.GetByLabel("Initial password").FillAsync(Operators.Password);
        await form.GetByLabel("SUPPORT (read users and accounts)").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Create operator" }).ClickAsync();
        var uriField = page.GetByLabel("Enrolment URI");
        await ConsoleBrowser.ExpectShownAsync(page, uriField);
        var uri = await uriField.InputValueAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = $"QR code of the TOTP enrolment for {username}" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = username })).ToContainTextAsync("SUPPORT");
        // The committed picture shows no enrolment secret, not even a test's.
        await uriField.EvaluateAsync("field => field.value = 'otpauth://totp/…'");
        await page.GetByRole(AriaRole.Img).EvaluateAsync("img => img.style.filter = 'blur(12px)'");
        await ConsoleBrowser.ScreenshotAsync(page, "operators");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = username })).ToHaveCountAsync(1, Patient);
        var afterReload = await page.ContentAsync();
        var created = new TestOperator(0, username, Operators.Password, TotpClock.UriSecret(uri), ["SUPPORT"], new TotpClock());
        var newcomer = await browser.LoginAsync(created);

        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        Assert.DoesNotContain(uri, afterReload, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByLabel("Enrolment URI").CountAsync());
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Operators" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Logout_and_a_session_ended_at_auth_both_lead_back_to_the_login_page()
    {
        var op = await Operators.CreateAsync(fixture, "SUPPORT");
        var admin = await Operators.AdminAsync(fixture);
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);

        var page = await browser.LoginAsync(op);
        var cookiesBeforeLogout = await page.Context.CookiesAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You are logged out.")).ToHaveCountAsync(1, Patient);
        await page.GotoAsync("/search");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operator login" })).ToHaveCountAsync(1, Patient);
        // The cookie a thief kept still decrypts, but Auth ended its token: replayed, it ends at the first call.
        var replay = await browser.PageWithCookiesAsync(cookiesBeforeLogout);
        await replay.GotoAsync("/search?by=username&value=" + Uri.EscapeDataString(op.Username));
        await Assertions.Expect(replay.GetByText("Your session has ended")).ToHaveCountAsync(1, Patient);
        await Assertions.Expect(replay.GetByText("Signed in as")).ToHaveCountAsync(0);

        var again = await browser.LoginAsync(op);
        using var deactivated = await auth.SendAsync(admin.Authorized(HttpMethod.Post, $"/api/admin/operators/{op.Id}/deactivate", new { reason = "left the company" }));
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        await ConsoleBrowser.GoToAsync(again, "Stranded money");

        await Assertions.Expect(again.GetByText("Your session has ended")).ToHaveCountAsync(1, Patient);
        await Assertions.Expect(again.GetByText("Signed in as")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_suspend_sent_from_a_stale_page_shows_payments_409_problem_not_a_bare_400()
    {
        var user = await payment.FundedUserAsync(auth, 25_000m);
        var operations = await Operators.CreateAsync(fixture, "OPERATIONS");
        await using var browser = await ConsoleBrowser.LaunchAsync(fixture);
        var page = await browser.LoginAsync(operations);
        await ConsoleBrowser.OpenUserAsync(page, user.Username);
        var stale = await page.Context.NewPageAsync();
        await stale.GotoAsync(page.Url);
        await Assertions.Expect(stale.GetByTestId("account-status")).ToHaveTextAsync("ACTIVE");

        await page.GetByLabel("Reason for suspending").FillAsync("fraud report #5151");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend account" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("account-status")).ToHaveTextAsync("SUSPENDED", new() { Timeout = 30_000 });
        await stale.GetByLabel("Reason for suspending").FillAsync("fraud report #5151, again");
        await stale.GetByRole(AriaRole.Button, new() { Name = "Suspend account" }).ClickAsync();

        await Assertions.Expect(stale.GetByRole(AriaRole.Alert)).ToContainTextAsync("ACCOUNT_STATUS_UNCHANGED", new() { Timeout = 30_000 });
        await Assertions.Expect(stale.GetByTestId("account-status")).ToHaveTextAsync("SUSPENDED");
        await Assertions.Expect(stale.GetByRole(AriaRole.Button, new() { Name = "Suspend account" })).ToHaveCountAsync(0);
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
