using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OneGate.Backoffice.Api;
using OneGate.Backoffice.Components;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace OneGate.Backoffice;

/// <summary>The console's wiring: its session cookie and keys, the typed clients of the three services, its few endpoints.</summary>
public static class ConsoleExtensions
{
    /// <summary>Where every replica finds the Data Protection keys that encrypt the cookies (the console's Redis ACL user may touch only this).</summary>
    public const string DataProtectionKeysKey = "onegate:backoffice:data-protection-keys";

    public const string CookieName = "onegate-console";

    public static void AddConsoleServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();

        builder.AddOneGateRedisClient();
        builder.Services.AddDataProtection().SetApplicationName("onegate-backoffice");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey));

        builder.AddConsoleCookies();

        // Server-side calls by service discovery, with ServiceDefaults' resilience; a POST or PUT is never retried (an
        // operator's action is not idempotent at every service, and a timeout may hide a success).
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options => options.Retry.DisableForUnsafeHttpMethods());
        builder.Services.AddTransient<OperatorTokenHandler>();
        builder.Services.AddHttpClient<AuthClient>(c => c.BaseAddress = new Uri("http://auth")).AddHttpMessageHandler<OperatorTokenHandler>();
        builder.Services.AddHttpClient<PaymentClient>(c => c.BaseAddress = new Uri("http://payment")).AddHttpMessageHandler<OperatorTokenHandler>();
        builder.Services.AddHttpClient<TransactionClient>(c => c.BaseAddress = new Uri("http://transaction")).AddHttpMessageHandler<OperatorTokenHandler>();
    }

    /// <summary>
    /// The session and antiforgery cookies, and the scheme they depend on: behind Kong (and the router's TLS) the
    /// console is reached over HTTPS, said in X-Forwarded-Proto. ServiceDefaults believes only the client address from
    /// the gateway's networks; the console also believes the scheme from the same peers, so the antiforgery cookie is
    /// Secure and its redirects are https URLs. HSTS (UseConsoleErrors) then tells browsers to stay on HTTPS.
    /// </summary>
    public static void AddConsoleCookies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.SlidingExpiration = false;
            options.LoginPath = "/login";
            options.AccessDeniedPath = "/denied";
        });
        builder.Services.AddAuthorization();
        // Secure as the request is (antiforgery's default is never): with Always it refuses to run at all on HTTP, and
        // Local mode is HTTP; behind Kong the forwarded scheme is HTTPS (below). The auth cookie above is Secure always
        // (browsers keep it on localhost).
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // Registered after ServiceDefaults' PostConfigure (AddServiceDefaults runs first), so it adds to its settings.
        builder.Services.PostConfigure<ForwardedHeadersOptions>(options =>
        {
            if (options.ForwardedHeaders != ForwardedHeaders.None)
            {
                options.ForwardedHeaders |= ForwardedHeaders.XForwardedProto;
            }
        });
    }

    /// <summary>An ended session (a service answered 401) ends the cookie and goes back to the login page; anything else is the error page.</summary>
    public static void UseConsoleErrors(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            // Sent on HTTPS requests only (the forwarded scheme behind Kong); Local mode's HTTP gets none.
            app.UseHsts();
        }

        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (OperatorSessionEndedException) when (!context.Response.HasStarted)
            {
                // Cleared first: Clear() would drop the cookie's removal too.
                context.Response.Clear();
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.Response.Redirect("/login?ended=1");
            }
        });
    }

    public static void MapConsoleEndpoints(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapPost("/logout", LogoutAsync).AllowAnonymous();
        app.MapGet("/audit/export", ExportAuditAsync).RequireAuthorization(new AuthorizeAttribute { Roles = OperatorRoles.Compliance });
        app.MapGet("/access-logs/export", ExportAccessLogsAsync).RequireAuthorization(new AuthorizeAttribute { Roles = OperatorRoles.Compliance });
    }

    /// <summary>Ends the session at Auth (the token fails everywhere at once), then the cookie.</summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery, AuthClient auth, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        if (context.User.Identity?.IsAuthenticated == true)
        {
            try
            {
                var answer = await auth.LogoutAsync(cancellationToken);
                if (answer.Problem is not null)
                {
                    // The token still works at the services: dropping only the cookie would pretend it ended.
                    return TypedResults.Redirect("/login?logoutFailed=1");
                }
            }
            catch (OperatorSessionEndedException)
            {
                // Ended already: nothing left to end at Auth.
            }
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.Redirect("/login?loggedOut=1");
    }

    /// <summary>A trail's CSV export, passed through from the service that keeps it.</summary>
    private static async Task ExportAuditAsync(HttpContext context, string? trail, string? action,
        string? actorType, string? actorId, string? targetType, string? targetId, string? from, string? to, IServiceProvider services, CancellationToken cancellationToken)
    {
        var query = AuditQuery.FromForm(action, actorType, actorId, targetType, targetId, from, to);
        using var response = await AuditTrails.Client(services, trail).ExportAuditAsync(query, cancellationToken);
        await PassThroughAsync(context, response, $"{AuditTrails.Name(trail)}-audit.csv", cancellationToken);
    }

    /// <summary>Transaction's CSV of regulators' requests, passed through (Transaction audits the export).</summary>
    private static async Task ExportAccessLogsAsync(HttpContext context, string? serviceId, string? keyId, string? from, string? to,
        TransactionClient transaction, CancellationToken cancellationToken)
    {
        using var response = await transaction.ExportAccessLogsAsync(new AccessLogQuery(serviceId, keyId, from, to), cancellationToken);
        await PassThroughAsync(context, response, "access-logs.csv", cancellationToken);
    }

    private static async Task PassThroughAsync(HttpContext context, HttpResponseMessage response, string fileName, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/plain";
        if (response.IsSuccessStatusCode)
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        }

        await response.Content.CopyToAsync(context.Response.Body, cancellationToken);
    }
}
