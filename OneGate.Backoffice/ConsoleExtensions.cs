using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
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
        // Secure as the request is: antiforgery refuses to run at all on HTTP with Always, and Local mode is HTTP (behind
        // Kong the forwarded scheme is HTTPS). The auth cookie above is Secure always (browsers keep it on localhost).
        builder.Services.AddAntiforgery(options => options.Cookie.SameSite = SameSiteMode.Strict);

        // Server-side calls by service discovery, with ServiceDefaults' resilience; a POST or PUT is never retried (an
        // operator's action is not idempotent at every service, and a timeout may hide a success).
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options => options.Retry.DisableForUnsafeHttpMethods());
        builder.Services.AddTransient<OperatorTokenHandler>();
        builder.Services.AddHttpClient<AuthClient>(c => c.BaseAddress = new Uri("http://auth")).AddHttpMessageHandler<OperatorTokenHandler>();
        builder.Services.AddHttpClient<PaymentClient>(c => c.BaseAddress = new Uri("http://payment")).AddHttpMessageHandler<OperatorTokenHandler>();
        builder.Services.AddHttpClient<TransactionClient>(c => c.BaseAddress = new Uri("http://transaction")).AddHttpMessageHandler<OperatorTokenHandler>();
    }

    /// <summary>An ended session (a service answered 401) ends the cookie and goes back to the login page; anything else is the error page.</summary>
    public static void UseConsoleErrors(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
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
                await auth.LogoutAsync(cancellationToken);
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
