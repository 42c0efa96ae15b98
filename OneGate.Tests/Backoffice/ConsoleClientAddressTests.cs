using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneGate.Backoffice.Api;
using OneGate.Backoffice.Session;
using OneGate.ServiceDefaults.Gateway;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// The console's calls name the operator's address, and a service that trusts the console's network records it (audit
/// rows, Auth's operator-login throttle). A real Kestrel "service" on loopback with ServiceDefaults' forwarded headers,
/// loopback configured as the console's network (as the pod network is in the cluster); the console's handler called
/// with an operator request from 203.0.113.7. Local mode trusts no peer, so there the services see the console's
/// loopback address (docs/backoffice.md).
/// </summary>
public sealed class ConsoleClientAddressTests
{
    [Fact]
    public async Task A_logged_in_operators_call_reaches_the_service_from_the_operators_address()
    {
        var seen = await ServiceSeesAsync(IPAddress.Parse("203.0.113.7"), loggedIn: true);

        Assert.Equal("203.0.113.7", seen);
    }

    [Fact]
    public async Task The_login_call_without_a_token_also_names_the_operators_address()
    {
        var seen = await ServiceSeesAsync(IPAddress.Parse("203.0.113.8").MapToIPv6(), loggedIn: false);

        Assert.Equal("203.0.113.8", seen);
    }

    private static async Task<string> ServiceSeesAsync(IPAddress browser, bool loggedIn)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OneGate:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGatewayForwardedHeaders();
        await using var service = builder.Build();
        service.MapGet("/ip", (HttpContext http) => http.Connection.RemoteIpAddress?.MapToIPv4().ToString());
        await service.StartAsync();
        try
        {
            var address = service.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var operatorRequest = new DefaultHttpContext();
            operatorRequest.Connection.RemoteIpAddress = browser;
            if (loggedIn)
            {
                operatorRequest.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(OperatorClaims.AccessToken, "token")], "test"));
            }

            using var handler = new OperatorTokenHandler(new HttpContextAccessor { HttpContext = operatorRequest }) { InnerHandler = new HttpClientHandler() };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(address) };
            using var response = await client.GetAsync(new Uri("/ip", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        finally
        {
            await service.StopAsync();
        }
    }
}
