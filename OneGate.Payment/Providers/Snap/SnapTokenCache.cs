using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OneGate.Payment.Data;
using OneGate.Snap;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// One provider's B2B access token (service 73), shared by every request of this process and kept until
/// <see cref="SnapProviderOptions.TokenRefreshSkew"/> before it expires. Single flight: while one fetch runs, every
/// caller that needs a token awaits that same fetch, so a burst of top-ups asks for one token, and if it fails
/// they all learn it at once.
/// </summary>
public sealed class SnapTokenCache(PaymentMethod method, SnapProviderOptions options, TimeProvider time, ILogger<SnapTokenCache> logger)
    : IDisposable
{
    private const string Operation = "access token (73)";
    private readonly RSA _privateKey = SnapKeys.Import(options.PrivateKeyPem);
    private readonly Lock _lock = new();
    private CachedToken? _current;
    private Task<CachedToken>? _fetching;

    /// <summary>A fresh token, fetched through <paramref name="http"/> (this provider's client) if needed.</summary>
    /// <remarks>The fetch itself is not cancelled with <paramref name="ct"/> (others may be awaiting it); it is bounded by
    /// the client's resilience timeouts. The caller only stops waiting.</remarks>
    public async Task<string> GetAsync(HttpClient http, CancellationToken ct)
    {
        Task<CachedToken> fetching;
        lock (_lock)
        {
            if (_current is { } current && time.GetUtcNow() < current.RefreshAt)
            {
                return current.AccessToken;
            }

            // Task.Run: the fetch (and its clean-up, which takes this lock) never runs inline under the lock.
            fetching = _fetching ??= Task.Run(() => FetchAndKeepAsync(http));
        }

        return (await fetching.WaitAsync(ct)).AccessToken;
    }

    /// <summary>Forgets <paramref name="rejected"/> after a <c>401xx01</c>; a token another caller already replaced is left alone.</summary>
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

    public void Dispose() => _privateKey.Dispose();

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
        var timestamp = SnapTimestamp.Format(time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url(SnapServices.AccessTokenPath))
        {
            Content = SnapReply.Content(SnapJson.Serialize(new AccessTokenRequest("client_credentials"))),
        };
        request.Headers.Add(SnapHeaders.ClientKey, options.ClientId);
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, SnapSignature.SignB2B(_privateKey, options.ClientId, timestamp));

        using var response = await http.SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
        var answer = SnapJson.TryDeserialize<AccessTokenResponse>(body);
        var status = (int)response.StatusCode;
        if (SnapResponseMapping.Classify(answer?.ResponseCode, SnapServices.AccessToken, status) != SnapResponseClass.Success)
        {
            logger.LogError("{Provider} refused our access token request: HTTP {Status}, responseCode {ResponseCode}", method, status, answer?.ResponseCode);
            throw ProviderErrors.Unexpected(method, Operation, $"answered HTTP {status}, responseCode {answer?.ResponseCode ?? "none"}");
        }

        if (answer is not { AccessToken: { Length: > 0 } token }
            || !"Bearer".Equals(answer.TokenType, StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(answer.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            throw ProviderErrors.Unexpected(method, Operation, "answered without a usable Bearer token");
        }

        var lifetime = TimeSpan.FromSeconds(seconds);
        var skew = options.TokenRefreshSkew < lifetime / 2 ? options.TokenRefreshSkew : lifetime / 2;
        logger.LogInformation("Fetched a {Provider} access token valid for {Lifetime}", method, lifetime);
        return new CachedToken(token, time.GetUtcNow() + lifetime - skew);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt);
}
