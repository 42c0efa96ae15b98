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
        var page = await PageWithCookiesAsync([]);
        await page.GotoAsync("/login");
        return page;
    }

    /// <summary>A blank page in a fresh context holding only the given cookies (e.g. ones saved from another context).</summary>
    public async Task<IPage> PageWithCookiesAsync(IReadOnlyList<BrowserContextCookiesResult> cookies)
    {
        ArgumentNullException.ThrowIfNull(cookies);
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(30_000);
        await context.AddCookiesAsync(cookies.Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires > 0 ? c.Expires : null, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
        return await context.NewPageAsync();
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

    /// <summary>Set to 1 to refresh the committed pictures (docs/backoffice.md); otherwise a run leaves them alone.</summary>
    public const string ScreenshotsVariable = "ONEGATE_SCREENSHOTS";

    /// <summary>
    /// The page as docs/backoffice/NAME.png (linked from docs/backoffice.md): made by a test run, never by hand, and
    /// only when asked for (each run's random names would change every picture).
    /// </summary>
    public static Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Environment.GetEnvironmentVariable(ScreenshotsVariable) == "1"
            ? page.ScreenshotAsync(new() { Path = RepositoryFiles.PathOf("docs", "backoffice", name + ".png"), FullPage = true })
            : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
