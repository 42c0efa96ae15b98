using System.Net.Http.Headers;
using System.Text.Json;
using OneGate.ProviderSandbox.Callbacks;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>ShopeePay callbacks: the payment JSON, signed like a response (X-Timestamp + X-Signature).</summary>
public sealed class ShopeePayCallbackComposer(ShopeePaySigner signer) : ICallbackComposer
{
    public SandboxProvider Provider => SandboxProvider.ShopeePay;

    public HttpRequestMessage Compose(SandboxCharge charge)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(ShopeePayPayment.From(charge));
        var (timestamp, signature) = signer.Sign(body);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, charge.CallbackUrl) { Content = content };
        request.Headers.Add(ShopeePayHeaders.Timestamp, timestamp);
        request.Headers.Add(ShopeePayHeaders.Signature, signature);
        return request;
    }
}
