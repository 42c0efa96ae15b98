using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;
using OneGate.Payment.Providers.Snap;
using OneGate.Snap;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>A <see cref="SnapProvider"/> wired to a <see cref="ScriptedSnapProvider"/> in process, with a manual clock and captured logs.</summary>
internal sealed class SnapClientHarness : IDisposable
{
    public const string NotifyUrl = "http://payment.test/api/payments/callbacks/gopay";
    public const string MerchantId = "M-ONEGATE-1";

    /// <summary>One key pair for all tests (RSA-2048 generation is slow): ours and the provider's.</summary>
    public static readonly RSA PartnerKey = RSA.Create(2048);
    public static readonly RSA ProviderKey = RSA.Create(2048);

    private readonly SnapTokenCache _tokens;

    public SnapClientHarness(TimeSpan? httpTimeout = null)
    {
        Provider = new ScriptedSnapProvider(PublicHalf(PartnerKey), Clock);
        Http = new HttpClient(Provider) { Timeout = httpTimeout ?? TimeSpan.FromSeconds(10) };
        _tokens = new SnapTokenCache(PaymentMethod.Gopay, Options, Clock, Logs.For<SnapTokenCache>());
        Client = new SnapProvider(PaymentMethod.Gopay, Http, Options, _tokens, NotifyUrl, Clock, Logs.For<SnapProvider>());
    }

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public CapturedLogs Logs { get; } = new();

    public SnapProviderOptions Options { get; } = NewOptions();

    public ScriptedSnapProvider Provider { get; }

    public HttpClient Http { get; }

    public SnapProvider Client { get; }

    public static SnapProviderOptions NewOptions() => new()
    {
        BaseUrl = "http://provider.test",
        PathPrefix = ScriptedSnapProvider.GoPayPrefix,
        PartnerId = ScriptedSnapProvider.PartnerId,
        ChannelId = ScriptedSnapProvider.ChannelId,
        MerchantId = MerchantId,
        ClientId = ScriptedSnapProvider.ClientId,
        ClientSecret = ScriptedSnapProvider.ClientSecret,
        PrivateKeyPem = PartnerKey.ExportPkcs8PrivateKeyPem(),
        ProviderPublicKeyPem = ProviderKey.ExportSubjectPublicKeyInfoPem(),
    };

    public static ProviderCharge Charge(decimal amount = 15_000m, string? transactionId = null) =>
        new(transactionId ?? "TRX-" + Guid.NewGuid().ToString("N")[..12], amount, SnapExternalIds.New(DateTimeOffset.UtcNow));

    /// <summary>A well-formed service-54 answer for <paramref name="call"/>; fields can be overridden.</summary>
    public static object ChargeAnswer(SnapCall call, string responseCode, string? partnerReferenceNo = null, string? value = null) => new
    {
        responseCode,
        responseMessage = "scripted",
        referenceNo = "REF-" + call.PartnerReferenceNo,
        partnerReferenceNo = partnerReferenceNo ?? call.PartnerReferenceNo,
        amount = new SnapAmount(value ?? call.Json.GetProperty("amount").GetProperty("value").GetString()!, SnapAmount.Idr),
    };

    public static RSA PublicHalf(RSA key)
    {
        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return rsa;
    }

    public void Dispose()
    {
        Http.Dispose();
        _tokens.Dispose();
    }
}
