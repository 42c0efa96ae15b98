using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneGate.Backoffice;
using OneGate.ServiceDefaults.Gateway;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Behind Kong the console is reached over HTTPS (X-Forwarded-Proto): its cookies are Secure and its redirects https.
/// A real Kestrel server on loopback with ServiceDefaults' forwarded headers and the console's cookie setup
/// (<see cref="ConsoleExtensions.AddConsoleCookies"/>); loopback plays Kong's network when configured as one.
/// </summary>
public sealed class ConsoleForwardedSchemeTests
{
    private static readonly Dictionary<string, string?> BehindKong = new() { ["OneGate:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" };

    [Fact]
    public async Task From_kongs_network_a_forwarded_https_makes_the_antiforgery_cookie_secure_and_redirects_https()
    {
        var (cookie, location) = await AskAsync(BehindKong);

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("https://", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_any_other_peer_a_forwarded_https_is_ignored()
    {
        var (cookie, location) = await AskAsync([]);

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("http://", location, StringComparison.Ordinal);
    }

    private static async Task<(string AntiforgeryCookie, string LoginRedirect)> AskAsync(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGatewayForwardedHeaders();
        builder.AddConsoleCookies();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/form", (HttpContext http, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(http).RequestToken);
        app.MapGet("/search", () => "hidden").RequireAuthorization();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
            using var form = await SendAsync(client, "/form");
            using var search = await SendAsync(client, "/search");
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, search.StatusCode);
            return (form.Headers.GetValues("Set-Cookie").Single(c => c.Contains("Antiforgery", StringComparison.Ordinal)), search.Headers.Location!.ToString());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        return client.SendAsync(request);
    }
}
