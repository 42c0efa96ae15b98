using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.ShopeePay;

/// <summary>
/// ShopeePay over its REST API (typed HttpClient; base address, resilience and timeouts are set where it is
/// registered, see <see cref="ProviderExtensions"/>). Every request is signed; every response must carry the
/// provider's signature over its exact bytes, or it is treated as no answer at all.
/// </summary>
public sealed class ShopeePayProvider(HttpClient http, ShopeePaySignatures signatures, IOptions<ProvidersOptions> providers)
    : IEWalletProvider
{
    public const string CallbackPath = "/api/payments/callbacks/shopeepay";

    public PaymentMethod Method => PaymentMethod.ShopeePay;

    public Task<ProviderChargeResult> ChargeAsync(ProviderCharge charge, CancellationToken cancellationToken) =>
        ProviderErrors.GuardAsync(Method, "charge", async () =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new ShopeePayPaymentRequest(
                charge.TransactionId, ShopeePayWire.TwoDecimals(charge.Amount), "IDR",
                providers.Value.CallbackUrl(CallbackPath)));

            var (status, payment) = await SendAsync(HttpMethod.Post, "shopeepay/v3/payments", body, "charge", cancellationToken);
            if (status is not (HttpStatusCode.OK or HttpStatusCode.Created))
            {
                throw ProviderErrors.Unexpected(Method, "charge", $"answered {(int)status}");
            }

            var result = Read(payment, "charge");
            if (result.TransactionId != charge.TransactionId || result.Amount != charge.Amount)
            {
                throw ProviderErrors.Unexpected(Method, "charge", "answered for another reference or amount");
            }

            return result;
        }, cancellationToken);

    public Task<ProviderChargeResult?> GetStatusAsync(string transactionId, CancellationToken cancellationToken) =>
        ProviderErrors.GuardAsync<ProviderChargeResult?>(Method, "status query", async () =>
        {
            var (status, payment) = await SendAsync(HttpMethod.Get, $"shopeepay/v3/payments/{Uri.EscapeDataString(transactionId)}", [],
                "status query", cancellationToken);
            if (status == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (status != HttpStatusCode.OK)
            {
                throw ProviderErrors.Unexpected(Method, "status query", $"answered {(int)status}");
            }

            var result = Read(payment, "status query");
            return result.TransactionId == transactionId
                ? result
                : throw ProviderErrors.Unexpected(Method, "status query", "answered for another reference");
        }, cancellationToken);

    /// <summary>Sends a signed request and returns the status and body of a response whose signature holds.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(HttpMethod method, string relativeUrl, byte[] body, string operation,
        CancellationToken cancellationToken)
    {
        var url = new Uri(http.BaseAddress!, relativeUrl);
        var (timestamp, jwt) = signatures.SignRequest(method.Method, url.AbsolutePath, body);

        using var request = new HttpRequestMessage(method, url);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        request.Headers.Add(ShopeePaySignatures.PartnerIdHeader, signatures.PartnerId);
        request.Headers.Add(ShopeePaySignatures.TimestampHeader, timestamp);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);

        using var response = await http.SendAsync(request, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            throw ProviderErrors.Unexpected(Method, operation, $"answered {(int)response.StatusCode}");
        }

        if (!signatures.IsSignedByProvider(responseBody, Header(response, ShopeePaySignatures.TimestampHeader), Header(response, ShopeePaySignatures.SignatureHeader)))
        {
            throw ProviderErrors.Unexpected(Method, operation, $"answered {(int)response.StatusCode} without a valid provider signature");
        }

        return (response.StatusCode, responseBody);
    }

    private ProviderChargeResult Read(byte[] body, string operation)
    {
        var payment = JsonSerializer.Deserialize<ShopeePayPayment>(body);
        if (payment is not { ReferenceId: { } referenceId, TransactionSn: { } transactionSn, Amount: { } amount, Status: { } status }
            || ShopeePayWire.Outcome(status) is not { } outcome)
        {
            throw ProviderErrors.Unexpected(Method, operation, "answered with an unreadable payment");
        }

        return new ProviderChargeResult(outcome, referenceId, transactionSn, status, amount, payment.FailureReason);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    public Task<ProviderChargeResult?> GetStatusAsync(string transactionId, string? providerReference, CancellationToken cancellationToken) => GetStatusAsync(transactionId, cancellationToken);
    public Task<ProviderRefundResult> RefundAsync(ProviderRefund refund, CancellationToken cancellationToken) => throw new NotSupportedException();
}
