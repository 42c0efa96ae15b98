using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OneGate.Snap;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>
/// The provider side of SNAP in process, as an HttpMessageHandler: it checks what a real provider checks (the B2B
/// signature with the partner's public key, the token, every header, the timestamp, the HMAC-SHA512 over the bytes it
/// received) and fails the test on any violation; then answers what the test scripted for that call.
/// </summary>
internal sealed class ScriptedSnapProvider(RSA partnerPublicKey, TimeProvider clock, string pathPrefix = ScriptedSnapProvider.GoPayPrefix) : HttpMessageHandler
{
    public const string GoPayPrefix = "/gopay";
    public const string ClientId = "onegate-client";
    public const string ClientSecret = "client-secret-of-at-least-32-characters-0123456789";
    public const string PartnerId = "onegate-partner";
    public const string ChannelId = "95221";

    private readonly Lock _lock = new();
    private readonly HashSet<string> _tokens = [];
    private int _issued;

    /// <summary>The answer to each transactional call (default: a server error, so an unscripted call is visible).</summary>
    public Func<SnapCall, HttpResponseMessage> Respond { get; set; } = _ => Answer(500, new { responseCode = "5000000", responseMessage = "unscripted" });

    /// <summary>The answer to a token request; null = issue a token valid for <see cref="TokenLifetimeSeconds"/>.</summary>
    public Func<HttpResponseMessage>? RespondToTokenRequest { get; set; }

    public int TokenLifetimeSeconds { get; set; } = 900;

    /// <summary>How long each token request takes (to let concurrent callers pile up behind one fetch).</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long each transactional call takes before it is answered.</summary>
    public TimeSpan CallDelay { get; set; } = TimeSpan.Zero;

    public int TokensIssued => Volatile.Read(ref _issued);

    public List<SnapCall> Calls { get; } = [];

    /// <summary>The provider forgets every token it issued: the next call with one gets <c>401xx01</c>.</summary>
    public void ForgetTokens()
    {
        lock (_lock)
        {
            _tokens.Clear();
        }
    }

    public static HttpResponseMessage Answer(int status, object body) =>
        new((HttpStatusCode)status) { Content = new ByteArrayContent(SnapJson.Serialize(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("application/json", request.Content.Headers.ContentType?.ToString());
        Assert.StartsWith(pathPrefix + "/v1.0/", path, StringComparison.Ordinal);
        var timestamp = Header(request, SnapHeaders.Timestamp);
        Assert.True(SnapTimestamp.IsFresh(timestamp, clock.GetUtcNow(), TimeSpan.FromMinutes(5)), $"stale or malformed X-TIMESTAMP {timestamp}");
        Assert.EndsWith("+07:00", timestamp, StringComparison.Ordinal);

        return path == pathPrefix + SnapServices.AccessTokenPath
            ? await IssueTokenAsync(request, body, timestamp, cancellationToken)
            : await TransactAsync(request, path, body, timestamp, cancellationToken);
    }

    private async Task<HttpResponseMessage> IssueTokenAsync(HttpRequestMessage request, byte[] body, string timestamp, CancellationToken ct)
    {
        Assert.Equal(ClientId, Header(request, SnapHeaders.ClientKey));
        Assert.True(SnapSignature.VerifyB2B(partnerPublicKey, ClientId, timestamp, Header(request, SnapHeaders.Signature)), "B2B signature does not verify");
        Assert.Equal("""{"grantType":"client_credentials"}""", Encoding.UTF8.GetString(body));
        await Task.Delay(TokenDelay, ct);
        if (RespondToTokenRequest is { } scripted)
        {
            return scripted();
        }

        var token = $"token-{Interlocked.Increment(ref _issued)}-{Guid.NewGuid():N}";
        lock (_lock)
        {
            _tokens.Add(token);
        }

        return Answer(200, new { responseCode = "2007300", responseMessage = "Successful", accessToken = token, tokenType = "Bearer", expiresIn = TokenLifetimeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private async Task<HttpResponseMessage> TransactAsync(HttpRequestMessage request, string path, byte[] body, string timestamp, CancellationToken ct)
    {
        Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
        var token = request.Headers.Authorization!.Parameter!;
        Assert.Equal(PartnerId, Header(request, SnapHeaders.PartnerId));
        Assert.Equal(ChannelId, Header(request, SnapHeaders.ChannelId));
        var externalId = Header(request, SnapHeaders.ExternalId);
        Assert.True(SnapExternalIds.IsValid(externalId), $"X-EXTERNAL-ID {externalId}");
        Assert.True(SnapSignature.VerifySymmetric(ClientSecret, "POST", path, token, body, timestamp, Header(request, SnapHeaders.Signature)),
            "HMAC-SHA512 over the received bytes does not verify");

        var service = path[(pathPrefix + "/v1.0/debit/").Length..] switch
        {
            "payment-host-to-host" => SnapServices.DebitPayment,
            "status" => SnapServices.DebitStatus,
            "refund" => SnapServices.DebitRefund,
            var other => throw new InvalidOperationException($"unknown service path {other}"),
        };
        var call = new SnapCall(service, body, externalId, token, JsonDocument.Parse(body).RootElement.Clone());
        bool known;
        lock (_lock)
        {
            Calls.Add(call);
            known = _tokens.Contains(token);
        }

        await Task.Delay(CallDelay, ct);
        return known ? Respond(call) : Answer(401, new { responseCode = $"401{service}01", responseMessage = "Invalid Token (B2B)" });
    }

    private static string Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? Assert.Single(values) : throw new Xunit.Sdk.XunitException($"missing {name}");
}
