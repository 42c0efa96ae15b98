using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OneGate.ServiceDefaults.Gateway;

namespace OneGate.Tests.Gateway;

/// <summary>
/// The services' client IP behind Kong (<see cref="GatewayForwardedHeaders"/>). Each case runs a real Kestrel server
/// on loopback with the shared extension and the given configuration. Loopback plays the gateway when it is
/// configured as one. The whole app is not booted: the fixture's services run with the default (off), and
/// <see cref="ForwardedHeadersThroughTheAppTests"/> covers that.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Client = "203.0.113.7";

    [Fact]
    public async Task From_the_configured_gateway_the_client_ip_is_taken_from_X_Real_IP()
    {
        var seen = await RemoteIpAsync(new() { ["OneGate:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" },
            ("X-Real-IP", Client), ("X-Forwarded-For", "198.51.100.1"));

        Assert.Equal(Client, seen);
    }

    [Fact]
    public async Task A_gateway_network_is_trusted_like_a_gateway_address()
    {
        var seen = await RemoteIpAsync(new() { ["OneGate:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" }, ("X-Real-IP", Client));

        Assert.Equal(Client, seen);
    }

    [Fact]
    public async Task From_any_other_peer_the_header_is_ignored()
    {
        var seen = await RemoteIpAsync(new() { ["OneGate:ForwardedHeaders:KnownNetworks:0"] = "10.128.0.0/14" }, ("X-Real-IP", Client));

        Assert.Equal("127.0.0.1", seen);
    }

    [Fact]
    public async Task Unconfigured_no_header_is_believed_not_even_from_loopback()
    {
        var seen = await RemoteIpAsync([], ("X-Real-IP", Client), ("X-Forwarded-For", Client));

        Assert.Equal("127.0.0.1", seen);
    }

    [Fact]
    public async Task ASP_NET_Cores_own_forwarded_headers_switch_does_not_make_every_peer_trusted()
    {
        // Aspire's manifest sets ASPNETCORE_FORWARDEDHEADERS_ENABLED=true on every project. On its own, that trusts
        // X-Forwarded-For from anyone.
        var seen = await RemoteIpAsync([], ["--FORWARDEDHEADERS_ENABLED=true"], ("X-Forwarded-For", Client), ("X-Real-IP", Client));

        Assert.Equal("127.0.0.1", seen);
    }

    private static Task<string> RemoteIpAsync(Dictionary<string, string?> configuration, params (string Name, string Value)[] headers) =>
        RemoteIpAsync(configuration, [], headers);

    private static async Task<string> RemoteIpAsync(Dictionary<string, string?> configuration, string[] args, params (string Name, string Value)[] headers)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGatewayForwardedHeaders();
        await using var app = builder.Build();
        app.MapGet("/ip", (HttpContext http) => http.Connection.RemoteIpAddress?.MapToIPv4().ToString());
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/ip");
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
