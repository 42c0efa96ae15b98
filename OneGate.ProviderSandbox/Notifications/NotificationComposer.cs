using System.Net.Http.Headers;
using System.Security.Cryptography;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Notifications;

/// <summary>
/// Builds a service-56 notification of a charge's current status, signed afresh (new <c>X-TIMESTAMP</c>, new
/// <c>X-EXTERNAL-ID</c>) with the provider's own RSA key over <c>POST:{path of the notify url}:{bodyhash}:{timestamp}</c>.
/// While a fault asks for it, the signature is made with a throwaway key: well-formed, and false.
/// </summary>
public sealed class NotificationComposer(SandboxProviders providers, FaultInjector faults, TimeProvider time)
{
    public HttpRequestMessage Compose(SandboxCharge charge)
    {
        var o = providers[charge.Provider];
        var latest = SnapStatus.Of(charge.State.Status);
        var body = SnapJson.Serialize(new DebitNotification(charge.PartnerReferenceNo, charge.ReferenceNo, o.MerchantId,
            SnapAmount.Of(charge.Amount), latest, SnapTransactionStatus.Describe(latest)));
        var now = time.GetUtcNow();
        var timestamp = SnapTimestamp.Format(now);

        using var key = faults.CorruptSignatures ? RSA.Create(2048) : providers.NotificationKey(charge.Provider);
        var signature = SnapSignature.SignNotification(key, HttpMethod.Post.Method, charge.NotifyUrl.AbsolutePath, body, timestamp);

        var content = new ByteArrayContent(body); // a fixed Content-Length, not chunked
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, charge.NotifyUrl) { Content = content };
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, signature);
        request.Headers.Add(SnapHeaders.PartnerId, o.PartnerId);
        request.Headers.Add(SnapHeaders.ExternalId, SnapExternalIds.New(now));
        request.Headers.Add(SnapHeaders.ChannelId, o.ChannelId);
        return request;
    }
}
