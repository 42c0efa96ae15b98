using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// Supplies JwtBearer with the Auth service's public keys from its JWKS (Auth publishes no OpenID
/// discovery document). Keys are cached; an unknown <c>kid</c> makes JwtBearer ask for a refresh, which
/// is honoured at most every <see cref="MinimumRefreshInterval"/> so forged kids cannot hammer Auth.
/// </summary>
public sealed class JwksConfigurationManager(IHttpClientFactory httpClientFactory, TokenValidationSettings settings, ILogger<JwksConfigurationManager> logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public const string HttpClientName = "onegate-jwks";
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private OpenIdConnectConfiguration? current;
    private DateTimeOffset fetchedAt;
    private bool refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (current is { } cached && !IsStale())
        {
            return cached;
        }

        await gate.WaitAsync(cancel);
        try
        {
            if (current is not null && !IsStale())
            {
                return current;
            }

            try
            {
                using var client = httpClientFactory.CreateClient(HttpClientName);
                var json = await client.GetStringAsync(settings.JwksUri, cancel);
                var keys = new JsonWebKeySet(json);
                var configuration = new OpenIdConnectConfiguration { Issuer = settings.Issuer, JsonWebKeySet = keys };
                foreach (var key in keys.GetSigningKeys())
                {
                    configuration.SigningKeys.Add(key);
                }

                current = configuration;
                fetchedAt = DateTimeOffset.UtcNow;
                refreshRequested = false;
            }
            catch (Exception ex) when (current is not null && ex is HttpRequestException or TaskCanceledException)
            {
                // Keep validating with the keys we have while Auth is briefly unreachable.
                logger.LogWarning("JWKS refresh from {JwksUri} failed ({Reason}); keeping cached keys", settings.JwksUri, ex.Message);
                fetchedAt = DateTimeOffset.UtcNow - CacheLifetime + MinimumRefreshInterval;
            }

            return current ?? throw new InvalidOperationException("No signing keys available");
        }
        finally
        {
            gate.Release();
        }
    }

    public void RequestRefresh() => refreshRequested = true;

    private bool IsStale()
    {
        var age = DateTimeOffset.UtcNow - fetchedAt;
        return age > CacheLifetime || (refreshRequested && age > MinimumRefreshInterval);
    }
}
