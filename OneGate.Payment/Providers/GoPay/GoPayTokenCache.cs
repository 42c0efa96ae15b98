using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.GoPay;

/// <summary>
/// The GoPay access token (OAuth 2.0 client credentials), shared by every request of this process and kept
/// until shortly before it expires. Single flight: while one fetch runs, every caller that needs a token
/// awaits that same fetch — one token request however many top-ups arrive, and if it fails they all learn
/// it at once instead of queueing up to retry one after another.
/// </summary>
public sealed class GoPayTokenCache(IOptions<GoPayOptions> options, TimeProvider time, ILogger<GoPayTokenCache> logger)
{
    private readonly Lock _lock = new();
    private CachedToken? _current;
    private Task<CachedToken>? _fetching;

    /// <summary>A fresh token, fetched through <paramref name="http"/> (the GoPay typed client) if needed.</summary>
    /// <remarks>The fetch itself is not cancelled with <paramref name="cancellationToken"/> (others may be awaiting it);
    /// it is bounded by the client's resilience timeouts. The caller only stops waiting.</remarks>
    public async Task<string> GetAsync(HttpClient http, CancellationToken cancellationToken)
    {
        Task<CachedToken> fetching;
        lock (_lock)
        {
            if (Fresh() is { } token)
            {
                return token;
            }

            // Task.Run: the fetch (and its clean-up, which takes this lock) never runs inline under the lock.
            fetching = _fetching ??= Task.Run(() => FetchAndKeepAsync(http));
        }

        return (await fetching.WaitAsync(cancellationToken)).AccessToken;
    }

    /// <summary>
    /// Forgets <paramref name="rejected"/> after GoPay answered 401 to it, so the next <see cref="GetAsync"/>
    /// fetches a new one. A token already replaced by another caller is left alone.
    /// </summary>
    public void Invalidate(string rejected)
    {
        lock (_lock)
        {
            if (_current?.AccessToken == rejected)
            {
                _current = null;
            }
        }
    }

    private string? Fresh() => _current is { } current && time.GetUtcNow() < current.RefreshAt ? current.AccessToken : null;

    private async Task<CachedToken> FetchAndKeepAsync(HttpClient http)
    {
        try
        {
            var fetched = await FetchAsync(http);
            lock (_lock)
            {
                _current = fetched;
            }

            return fetched;
        }
        finally
        {
            lock (_lock)
            {
                _fetching = null;
            }
        }
    }

    private async Task<CachedToken> FetchAsync(HttpClient http)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "gopay/v1/oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ClientId}:{o.ClientSecret}")));

        using var response = await http.SendAsync(request, CancellationToken.None);
        if (!response.IsSuccessStatusCode)
        {
            throw ProviderErrors.Unexpected(PaymentMethod.Gopay, "token request", $"answered {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadFromJsonAsync<GoPayTokenResponse>(CancellationToken.None);
        if (body is null || string.IsNullOrEmpty(body.AccessToken) || !"Bearer".Equals(body.TokenType, StringComparison.OrdinalIgnoreCase) || body.ExpiresIn <= 0)
        {
            throw ProviderErrors.Unexpected(PaymentMethod.Gopay, "token request", "answered without a usable Bearer token");
        }

        var lifetime = TimeSpan.FromSeconds(body.ExpiresIn);
        var skew = o.TokenRefreshSkew < lifetime / 2 ? o.TokenRefreshSkew : lifetime / 2;
        logger.LogInformation("Fetched a GoPay access token valid for {Lifetime}", lifetime);
        return new CachedToken(body.AccessToken, time.GetUtcNow() + lifetime - skew);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt);
}
