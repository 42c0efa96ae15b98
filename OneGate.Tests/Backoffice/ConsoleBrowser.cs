using Microsoft.Playwright;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// The back-office console in a real browser: Debian's chromium driven by Playwright (its own browser download cannot
/// work here). Each operator gets a browser context of its own (its own cookies). Elements are found by role and label,
/// as an operator finds them.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    private static readonly LocatorAssertionsToHaveCountOptions Patient = new() { Timeout = 30_000 };

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly Uri baseAddress;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, Uri baseAddress) =>
        (this.playwright, this.browser, this.baseAddress) = (playwright, browser, baseAddress);

    public static async Task<ConsoleBrowser> LaunchAsync(OneGateAppFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox"],
        });
        return new ConsoleBrowser(playwright, browser, fixture.App.GetEndpoint("backoffice", "http"));
    }

    /// <summary>A page in a fresh context (no cookies) at the console's login page.</summary>
    public async Task<IPage> LoginPageAsync()
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        return page;
    }

    /// <summary>Fills the login form (username, password, a TOTP code) and submits it.</summary>
    public static async Task SubmitLoginAsync(IPage page, TestOperator op, string code)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(op);
        await page.GetByLabel("Username").FillAsync(op.Username);
        await page.GetByLabel("Password").FillAsync(op.Password);
        await page.GetByLabel("Authenticator code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>A logged-in operator's page (its next unused TOTP code), on the console's home page.</summary>
    public async Task<IPage> LoginAsync(TestOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var page = await LoginPageAsync();
        await SubmitLoginAsync(page, op, await op.Clock.NextCodeAsync(op.TotpSecret));
        await ExpectSignedInAsync(page, op);
        return page;
    }

    /// <summary>The page says who is signed in; if not, the failure shows what the page says instead.</summary>
    public static Task ExpectSignedInAsync(IPage page, TestOperator op)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(op);
        return ExpectShownAsync(page, page.GetByText($"Signed in as {op.Username}"));
    }

    /// <summary>Waits for the element; if it does not come, the failure shows what the page says instead.</summary>
    public static async Task ExpectShownAsync(IPage page, ILocator element)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await Assertions.Expect(element).ToHaveCountAsync(1, Patient);
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"{element} not shown at {page.Url}:\n{await page.InnerTextAsync("body")}", e);
        }
    }

    /// <summary>Follows a link of the main navigation.</summary>
    public static Task GoToAsync(IPage page, string link)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync();
    }

    /// <summary>Searches by username and opens the user's page.</summary>
    public static async Task OpenUserAsync(IPage page, string username, string? screenshot = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        await GoToAsync(page, "Search");
        await page.GetByLabel("Search by").SelectOptionAsync("username");
        await page.GetByLabel("Value").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Link, new() { Name = username, Exact = true });
        await Assertions.Expect(result).ToHaveCountAsync(1, Patient);
        if (screenshot is not null)
        {
            await ScreenshotAsync(page, screenshot);
        }

        await result.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"User {username}" })).ToHaveCountAsync(1, Patient);
    }

    /// <summary>The page as docs/backoffice/NAME.png (linked from docs/backoffice.md): made by the test run, never by hand.</summary>
    public static Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.ScreenshotAsync(new() { Path = RepositoryFiles.PathOf("docs", "backoffice", name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
