using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Callbacks;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>GoPay notifications carry their signature in the body (<c>signature_key</c>).</summary>
public sealed class GoPayCallbackComposer(IOptions<GoPayOptions> options, FaultInjector faults) : ICallbackComposer
{
    public SandboxProvider Provider => SandboxProvider.GoPay;

    public HttpRequestMessage Compose(SandboxCharge charge)
    {
        var shown = GoPayCharge.From(charge);
        var key = faults.CorruptSignatures ? options.Value.ServerKey + "-forged" : options.Value.ServerKey;
        var signature = GoPaySignature.Compute(shown.OrderId, shown.StatusCode, shown.GrossAmount, key);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new GoPayCallback(shown.OrderId, shown.ChargeId, shown.Status, shown.StatusCode, shown.GrossAmount, signature));
        var content = new ByteArrayContent(body); // a fixed Content-Length, not chunked
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, charge.CallbackUrl) { Content = content };
    }
}
