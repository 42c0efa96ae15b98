using System.Net;
using Microsoft.Playwright;

namespace OneGate.Tests.Foundation;

/// <summary>
/// Each service's interactive API reference (Scalar, Development only) is served, linked from the dashboard, and
/// renders the service's operations and security schemes in a real browser (Debian's chromium, installed by
/// .ci/run; PLAYWRIGHT_CHROMIUM_EXECUTABLE overrides its path).
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class ApiReferenceTests(OneGateAppFixture fixture)
{
    // One operation summary per service that the rendered page must show, and the scheme it documents.
    public static TheoryData<string, string, string> References() => new()
    {
        { "auth", "Log in with username, e-mail or phone and password", "Bearer" },
        { "payment", "Send money to another user by username or phone", "Bearer" },
        { "transaction", "The caller's transactions, newest first", "RegulatorApiKey" },
    };

    [Theory]
    [InlineData("auth")]
    [InlineData("payment")]
    [InlineData("transaction")]
    public async Task Dashboard_lists_the_reference_and_health_urls(string service)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var resource = await fixture.App.ResourceNotifications.WaitForResourceAsync(service,
            e => e.Snapshot.Urls.Any(u => u.Url.EndsWith("/scalar", StringComparison.Ordinal)), timeout.Token);

        var urls = resource.Snapshot.Urls;
        Assert.Contains(urls, u => u.Url.EndsWith("/scalar", StringComparison.Ordinal) && u.DisplayProperties.DisplayName == "API reference");
        Assert.Contains(urls, u => u.Url.EndsWith("/health", StringComparison.Ordinal) && u.DisplayProperties.DisplayName == "Health");
        using var http = new HttpClient();
        using var page = await http.GetAsync(new Uri(urls.First(u => u.Url.EndsWith("/scalar", StringComparison.Ordinal)).Url));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(References))]
    public async Task Reference_page_renders_the_operations_in_a_browser(string service, string operation, string scheme)
    {
        using var client = fixture.CreateClient(service);
        var url = new Uri(client.BaseAddress!, "/scalar");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(url.ToString());

        var expectVisible = new LocatorWaitForOptions { Timeout = 30_000 };
        await page.GetByText(operation).Filter(new() { Visible = true }).First.WaitForAsync(expectVisible);
        var text = await page.InnerTextAsync("body");
        Assert.True(text.Contains(scheme, StringComparison.Ordinal), $"{scheme} not on the page:\n{text[..Math.Min(text.Length, 3000)]}");
    }
}
