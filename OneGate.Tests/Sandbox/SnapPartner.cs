using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OneGate.Snap;

namespace OneGate.Tests.Sandbox;

/// <summary>
/// A SNAP partner of one sandbox provider, as Payment will be: the sandbox's registration of us (ids, client secret)
/// read from the running AppHost, our RSA private key from its parameter, the sandbox's notification key. Signs every call with OneGate.Snap; <see cref="CallTweaks"/> spoil one thing at a time.
/// </summary>
public sealed class SnapPartner : IDisposable
{
    private SnapPartner(HttpClient http, string section, IReadOnlyDictionary<string, string> env, RSA partnerKey, RSA providerKey)
    {
        Http = http;
        string Value(string key) => env[$"Sandbox__Providers__{section}__{key}"];
        PathPrefix = Value("PathPrefix");
        ClientId = Value("ClientId");
        ClientSecret = Value("ClientSecret");
        PartnerId = Value("PartnerId");
        ChannelId = Value("ChannelId");
        MerchantId = Value("MerchantId");
        PartnerKey = partnerKey;
        ProviderKey = providerKey;
    }

    public HttpClient Http { get; }

    public string PathPrefix { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string PartnerId { get; }

    public string ChannelId { get; }

    public string MerchantId { get; }

    public RSA PartnerKey { get; }

    /// <summary>The sandbox's notification key pair: verifies what it sends, and signs notifications as the provider would.</summary>
    public RSA ProviderKey { get; }

    /// <param name="section">GoPay or ShopeePay (the options section).</param>
    public static async Task<SnapPartner> OfAsync(OneGateAppFixture fixture, string section)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var sandbox = model.Resources.OfType<ProjectResource>().Single(r => r.Name == "provider-sandbox");
        var configuration = await ExecutionConfigurationBuilder.Create(sandbox).WithEnvironmentVariablesConfig()
            .BuildAsync(fixture.App.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, default);
        var env = configuration.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var parameter = model.Resources.OfType<ParameterResource>().Single(r => r.Name == $"{section.ToLowerInvariant()}-partner-private-key");

        var partnerKey = RSA.Create();
        partnerKey.ImportFromPem(await parameter.GetValueAsync(default));
        var providerKey = RSA.Create();
        providerKey.ImportFromPem(env[$"Sandbox__Providers__{section}__PrivateKeyPem"]);
        return new SnapPartner(fixture.CreateClient("provider-sandbox"), section, env, partnerKey, providerKey);
    }

    /// <summary>Service 73, signed with <paramref name="signWith"/> (our key by default) at <paramref name="at"/> (now by default).</summary>
    public async Task<HttpResponseMessage> RequestTokenAsync(DateTimeOffset? at = null, RSA? signWith = null, string? clientId = null,
        string? omitHeader = null, string body = """{"grantType":"client_credentials"}""")
    {
        var timestamp = SnapTimestamp.Format(at ?? DateTimeOffset.UtcNow);
        var client = clientId ?? ClientId;
        using var request = new HttpRequestMessage(HttpMethod.Post, PathPrefix + SnapServices.AccessTokenPath) { Content = Json(body) };
        AddHeader(request, SnapHeaders.ClientKey, client, omitHeader);
        AddHeader(request, SnapHeaders.Timestamp, timestamp, omitHeader);
        AddHeader(request, SnapHeaders.Signature, SnapSignature.SignB2B(signWith ?? PartnerKey, client, timestamp), omitHeader);
        return await Http.SendAsync(request);
    }

    /// <summary>A fresh access token (service 73 must succeed).</summary>
    public async Task<string> TokenAsync()
    {
        using var response = await RequestTokenAsync();
        var answer = await ReadAsync<AccessTokenResponse>(response);
        Assert.Equal("2007300", answer.ResponseCode);
        return answer.AccessToken!;
    }

    /// <summary>A transactional call (54, 55, 58) with the exact <paramref name="body"/> bytes, signed as SNAP says unless tweaked.</summary>
    public async Task<HttpResponseMessage> CallAsync(string servicePath, byte[] body, string externalId, CallTweaks? tweaks = null)
    {
        tweaks ??= new CallTweaks();
        var token = tweaks.Token ?? await TokenAsync();
        var timestamp = SnapTimestamp.Format(tweaks.At ?? DateTimeOffset.UtcNow);
        var path = PathPrefix + servicePath;
        var signature = SnapSignature.SignSymmetric(tweaks.ForgeSignature ? ClientSecret + "x" : ClientSecret, "POST", path, token, body, timestamp);

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        AddHeader(request, "Authorization", "Bearer " + token, tweaks.OmitHeader);
        AddHeader(request, SnapHeaders.Timestamp, timestamp, tweaks.OmitHeader);
        AddHeader(request, SnapHeaders.Signature, signature, tweaks.OmitHeader);
        AddHeader(request, SnapHeaders.PartnerId, tweaks.PartnerId ?? PartnerId, tweaks.OmitHeader);
        AddHeader(request, SnapHeaders.ExternalId, tweaks.ExternalId ?? externalId, tweaks.OmitHeader);
        AddHeader(request, SnapHeaders.ChannelId, tweaks.ChannelId ?? ChannelId, tweaks.OmitHeader);
        return await Http.SendAsync(request);
    }

    public byte[] ChargeBody(string partnerReferenceNo, string amount, string notifyUrl = "http://127.0.0.1:9/v1.0/debit/notify") =>
        SnapJson.Serialize(new DebitPaymentRequest(partnerReferenceNo, MerchantId, new SnapAmount(amount, SnapAmount.Idr),
            [SnapUrlParam.NotifyAt(notifyUrl)]));

    public async Task<DebitPaymentResponse> ChargeAsync(string partnerReferenceNo, string amount, string? notifyUrl = null)
    {
        var body = notifyUrl is null ? ChargeBody(partnerReferenceNo, amount) : ChargeBody(partnerReferenceNo, amount, notifyUrl);
        using var response = await CallAsync(SnapServices.DebitPaymentPath, body, NewExternalId());
        return await ReadAsync<DebitPaymentResponse>(response);
    }

    public async Task<DebitStatusResponse> StatusAsync(string partnerReferenceNo)
    {
        var body = SnapJson.Serialize(new DebitStatusRequest(partnerReferenceNo, null, SnapServices.DebitPayment));
        using var response = await CallAsync(SnapServices.DebitStatusPath, body, NewExternalId());
        return await ReadAsync<DebitStatusResponse>(response);
    }

    public static byte[] RefundBody(string partnerReferenceNo, string partnerRefundNo, string amount) =>
        SnapJson.Serialize(new DebitRefundRequest(partnerReferenceNo, null, partnerRefundNo, new SnapAmount(amount, SnapAmount.Idr), "test"));

    public async Task<(int Status, DebitRefundResponse Answer)> RefundAsync(string partnerReferenceNo, string partnerRefundNo, string amount)
    {
        using var response = await CallAsync(SnapServices.DebitRefundPath, RefundBody(partnerReferenceNo, partnerRefundNo, amount), NewExternalId());
        return ((int)response.StatusCode, await ReadAsync<DebitRefundResponse>(response));
    }

    public static string NewExternalId() => SnapExternalIds.New(DateTimeOffset.UtcNow);

    public static string NewReference() => $"TRX-SBX-{Guid.NewGuid():N}";

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) where T : class =>
        SnapJson.TryDeserialize<T>(await response.Content.ReadAsByteArrayAsync())
        ?? throw new InvalidOperationException($"{(int)response.StatusCode}: not a {typeof(T).Name}: {await response.Content.ReadAsStringAsync()}");

    /// <summary>The sandbox's record of a charge (<c>GET /sandbox/charges/{partnerReferenceNo}</c>).</summary>
    public async Task<JsonElement> SandboxChargeAsync(string partnerReferenceNo)
    {
        using var response = await Http.GetAsync($"/sandbox/charges/{Uri.EscapeDataString(partnerReferenceNo)}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task ScriptAsync(string partnerReferenceNo, string outcome)
    {
        using var response = await Http.PostAsync("/sandbox/scenarios",
            Json(JsonSerializer.Serialize(new { reference = partnerReferenceNo, outcome })));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose()
    {
        Http.Dispose();
        PartnerKey.Dispose();
        ProviderKey.Dispose();
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static void AddHeader(HttpRequestMessage request, string name, string value, string? omit)
    {
        if (name != omit)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
