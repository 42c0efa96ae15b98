using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OneGate.ServiceDefaults.Gateway;

/// <summary>
/// Behind Kong, a request's TCP peer is Kong. The client IP that login throttling, audit and the regulators'
/// access logs record must then come from Kong's header, and only when the request really comes from Kong.
/// A client talking to a service directly cannot set its IP this way. Off unless
/// <see cref="GatewayForwardedHeadersSettings"/> names the gateway.
/// </summary>
public static class GatewayForwardedHeaders
{
    private const string HostForwardedHeadersKey = "FORWARDEDHEADERS_ENABLED";

    public static TBuilder AddGatewayForwardedHeaders<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var settings = builder.Configuration.GetSection(GatewayForwardedHeadersSettings.Section).Get<GatewayForwardedHeadersSettings>()
            ?? new GatewayForwardedHeadersSettings();

        // PostConfigure, so this wins over ASP.NET Core's own ASPNETCORE_FORWARDEDHEADERS_ENABLED setup (Aspire's
        // manifest sets that variable on every project). That setup trusts X-Forwarded-For from any peer.
        builder.Services.PostConfigure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = settings.Enabled ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            options.ForwardedForHeaderName = settings.HeaderName;
            // One hop: the gateway's own statement about its client. Anything a client put before it is ignored.
            options.ForwardLimit = 1;
            // The defaults trust loopback. Here only the configured gateway counts.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        // First in the pipeline (before problem details, authentication and endpoints) without touching each
        // service's Program.cs. When ASPNETCORE_FORWARDEDHEADERS_ENABLED is set, the host already adds the middleware.
        if (settings.Enabled && !builder.Configuration.GetValue<bool>(HostForwardedHeadersKey))
        {
            builder.Services.AddTransient<IStartupFilter, ForwardedHeadersStartupFilter>();
        }

        return builder;
    }

    private sealed class ForwardedHeadersStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
