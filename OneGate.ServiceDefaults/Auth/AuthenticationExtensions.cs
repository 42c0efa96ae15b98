using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace OneGate.ServiceDefaults.Auth;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer authentication for OneGate access tokens: ES256 only (no <c>none</c>, no HMAC confusion),
    /// issuer, audience and lifetime checked with a small skew, keys from the Auth service's JWKS, and the
    /// token's session (<c>sid</c>) must still exist in Redis — one round trip, no caching — so logout takes
    /// effect at every service immediately (a token's signature check is remembered for a minute at most, never past
    /// its expiry: <see cref="CachingJsonWebTokenHandler"/>). Requires an <see cref="IConnectionMultiplexer"/> (AddRedisClient).
    /// A second scheme, <see cref="OperatorAuthentication.SchemeName"/>, validates the back office's operator tokens
    /// (their own audience and session keys) for endpoints that require an <see cref="OperatorPolicies"/> policy.
    /// </summary>
    /// <param name="keySource">Where the public keys come from; defaults to fetching the JWKS over HTTP
    /// (the Auth service itself passes its own keys).</param>
    public static IHostApplicationBuilder AddOneGateAuthentication(this IHostApplicationBuilder builder,
        Func<IServiceProvider, IConfigurationManager<OpenIdConnectConfiguration>>? keySource = null)
    {
        builder.Services.AddOptions<TokenValidationSettings>()
            .BindConfiguration(TokenValidationSettings.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<TokenValidationSettings>>().Value);
        builder.Services.AddHttpClient(JwksConfigurationManager.HttpClientName);
        builder.Services.AddSingleton<JwksConfigurationManager>();
        builder.Services.AddSingleton(services => new KeySource(keySource?.Invoke(services) ?? services.GetRequiredService<JwksConfigurationManager>()));

        // Users' tokens are the default scheme; operators' have their own (audience, session key), and the operator
        // policies name only theirs, so neither kind of token passes where the other belongs.
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer().AddJwtBearer(OperatorAuthentication.SchemeName);
        ConfigureBearer(builder, JwtBearerDefaults.AuthenticationScheme, settings => settings.Audience, RequireLiveSession);
        ConfigureBearer(builder, OperatorAuthentication.SchemeName, settings => settings.OperatorAudience, RequireLiveOperatorSession);
        builder.Services.AddAuthorization(OperatorPolicies.Register);
        builder.Services.Configure<OpenApiOptions>("v1", o =>
        {
            var transformer = new BearerSecuritySchemeTransformer();
            o.AddDocumentTransformer(transformer);
            o.AddOperationTransformer(transformer);
        });
        return builder;
    }

    private static void ConfigureBearer(IHostApplicationBuilder builder, string scheme, Func<TokenValidationSettings, string> audience,
        Func<TokenValidatedContext, Task> requireLiveSession) =>
        builder.Services.AddOptions<JwtBearerOptions>(scheme)
            .Configure<IServiceProvider, TokenValidationSettings>((options, services, settings) =>
            {
                options.MapInboundClaims = false;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CachingJsonWebTokenHandler { MapInboundClaims = false });
                options.RefreshOnIssuerKeyNotFound = true;
                options.ConfigurationManager = services.GetRequiredService<KeySource>().Manager;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = audience(settings),
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ValidTypes = ["JWT", "at+jwt"],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
                    NameClaimType = "sub",
                    RoleClaimType = OperatorAuthentication.RolesClaim,
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = requireLiveSession,
                    OnChallenge = WriteUnauthorizedProblem,
                    OnForbidden = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "FORBIDDEN", "Forbidden",
                        "The access token does not grant this operation."),
                };
            });

    /// <summary>
    /// An operator's session key lives for the idle timeout the token carries; EXPIRE both checks that it still exists
    /// (logout and deactivation delete it, idleness lets it lapse) and slides it, in one round trip. EXPIRE never
    /// creates a key, so no service can bring an ended session back. The token's own expiry is the absolute limit.
    /// </summary>
    private static async Task RequireLiveOperatorSession(TokenValidatedContext context)
    {
        var sessionId = context.Principal?.FindFirst("sid")?.Value;
        var subject = context.Principal?.FindFirst("sub")?.Value;
        var idle = context.Principal?.FindFirst(OperatorAuthentication.IdleClaim)?.Value;
        if (string.IsNullOrEmpty(sessionId) || !int.TryParse(subject, out _)
            || !int.TryParse(idle, System.Globalization.CultureInfo.InvariantCulture, out var idleSeconds)
            || idleSeconds is < 1 or > OperatorAuthentication.MaxIdleSeconds)
        {
            context.Fail("The token has no session, subject or idle timeout.");
            return;
        }

        var redis = context.HttpContext.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        if (!await redis.GetDatabase().KeyExpireAsync(SessionKeys.ForOperator(sessionId), TimeSpan.FromSeconds(idleSeconds)))
        {
            context.Fail("The session has ended.");
        }
    }

    private static async Task RequireLiveSession(TokenValidatedContext context)
    {
        var sessionId = context.Principal?.FindFirst("sid")?.Value;
        var subject = context.Principal?.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(sessionId) || !int.TryParse(subject, out _))
        {
            context.Fail("The token has no session or subject.");
            return;
        }

        var redis = context.HttpContext.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        if (!await redis.GetDatabase().KeyExistsAsync(SessionKeys.For(sessionId)))
        {
            context.Fail("The session has ended.");
        }
    }

    private static Task WriteUnauthorizedProblem(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure is null
            ? "Send a valid access token: Authorization: Bearer <accessToken>."
            : "The access token is invalid, expired or its session has ended.";
        return Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "Unauthorized", detail);
    }

    /// <summary>One key source for both schemes, so Auth's own keys (or the JWKS cache) are shared.</summary>
    private sealed record KeySource(IConfigurationManager<OpenIdConnectConfiguration> Manager);
}
