using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.GoPay;

/// <summary>
/// GoPay over its REST API (typed HttpClient; base address, resilience and timeouts are set where it is
/// registered, see <see cref="ProviderExtensions"/>). Requests carry a cached client-credentials token; a 401
/// drops that token and the request is sent once more with a fresh one.
/// </summary>
public sealed class GoPayProvider(HttpClient http, GoPayTokenCache tokens, IOptions<ProvidersOptions> providers, ILogger<GoPayProvider> logger)
    : IEWalletProvider
{
    public const string CallbackPath = "/api/payments/callbacks/gopay";

    public PaymentMethod Method => PaymentMethod.Gopay;

    public Task<ProviderChargeResult> ChargeAsync(ProviderCharge charge, CancellationToken cancellationToken) =>
        ProviderErrors.GuardAsync(Method, "charge", async () =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new GoPayChargeRequest(
                charge.TransactionId, GoPayWire.FormatAmount(charge.Amount), "IDR",
                providers.Value.CallbackUrl(CallbackPath)));

            using var response = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Post, "gopay/v1/charges")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            }, cancellationToken);

            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
            {
                throw ProviderErrors.Unexpected(Method, "charge", $"answered {(int)response.StatusCode}");
            }

            var result = await ReadChargeAsync(response, "charge", cancellationToken);
            if (result.TransactionId != charge.TransactionId || result.Amount != charge.Amount)
            {
                throw ProviderErrors.Unexpected(Method, "charge", "answered for another order or amount");
            }

            return result;
        }, cancellationToken);

    public Task<ProviderChargeResult?> GetStatusAsync(string transactionId, CancellationToken cancellationToken) =>
        ProviderErrors.GuardAsync<ProviderChargeResult?>(Method, "status query", async () =>
        {
            using var response = await SendAuthorizedAsync(
                () => new HttpRequestMessage(HttpMethod.Get, $"gopay/v1/charges/{Uri.EscapeDataString(transactionId)}"), cancellationToken);

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw ProviderErrors.Unexpected(Method, "status query", $"answered {(int)response.StatusCode}");
            }

            var result = await ReadChargeAsync(response, "status query", cancellationToken);
            return result.TransactionId == transactionId
                ? result
                : throw ProviderErrors.Unexpected(Method, "status query", "answered for another order");
        }, cancellationToken);

    /// <summary>Sends with the cached token; on 401 drops it, fetches a new one and sends once more.</summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(http, cancellationToken);
        var response = await SendWithTokenAsync(createRequest, token, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        logger.LogInformation("GoPay refused the cached access token; fetching a new one and retrying once");
        tokens.Invalidate(token);
        token = await tokens.GetAsync(http, cancellationToken);
        response = await SendWithTokenAsync(createRequest, token, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw ProviderErrors.Unexpected(Method, "request", "refused a freshly issued access token (401)");
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(Func<HttpRequestMessage> createRequest, string token, CancellationToken cancellationToken)
    {
        using var request = createRequest();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, cancellationToken);
    }

    private async Task<ProviderChargeResult> ReadChargeAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync<GoPayChargeResponse>(cancellationToken);
        if (body is not { OrderId: { } orderId, ChargeId: { } chargeId, Status: { } status }
            || GoPayWire.Outcome(status) is not { } outcome
            || !GoPayWire.TryParseAmount(body.GrossAmount, out var amount))
        {
            throw ProviderErrors.Unexpected(Method, operation, "answered with an unreadable charge");
        }

        return new ProviderChargeResult(outcome, orderId, chargeId, status, amount);
    }
    public Task<ProviderChargeResult?> GetStatusAsync(string transactionId, string? providerReference, CancellationToken cancellationToken) => GetStatusAsync(transactionId, cancellationToken);
    public Task<ProviderRefundResult> RefundAsync(ProviderRefund refund, CancellationToken cancellationToken) => throw new NotSupportedException();
}
