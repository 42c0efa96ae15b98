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
    /// effect at every service immediately. Requires an <see cref="IConnectionMultiplexer"/> (AddRedisClient).
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

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IServiceProvider, TokenValidationSettings>((options, services, settings) =>
            {
                options.MapInboundClaims = false;
                options.RefreshOnIssuerKeyNotFound = true;
                options.ConfigurationManager = keySource?.Invoke(services) ?? services.GetRequiredService<JwksConfigurationManager>();
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ValidTypes = ["JWT", "at+jwt"],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
                    NameClaimType = "sub",
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RequireLiveSession,
                    OnChallenge = WriteUnauthorizedProblem,
                    OnForbidden = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "FORBIDDEN", "Forbidden",
                        "The access token does not grant this operation."),
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.Configure<OpenApiOptions>("v1", o =>
        {
            var transformer = new BearerSecuritySchemeTransformer();
            o.AddDocumentTransformer(transformer);
            o.AddOperationTransformer(transformer);
        });
        return builder;
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
}
