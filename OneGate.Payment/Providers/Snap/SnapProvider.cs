using System.Net.Http.Headers;
using OneGate.Payment.Data;
using OneGate.Snap;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// An e-wallet over SNAP direct debit (services 54, 55, 58; token 73 through <see cref="SnapTokenCache"/>). One class for
/// GoPay and ShopeePay: each instance has its provider's options and named HttpClient (resilience, timeouts and circuit
/// are set where it is registered, see <see cref="ProviderExtensions"/>). Every body is serialized once and the
/// HMAC-SHA512 signature covers exactly those bytes. What each responseCode means is <see cref="SnapResponseMapping"/>.
/// </summary>
public sealed class SnapProvider(PaymentMethod method, HttpClient http, SnapProviderOptions options, SnapTokenCache tokens, string notifyUrl,
    TimeProvider time, ILogger<SnapProvider> logger) : IEWalletProvider
{
    public PaymentMethod Method => method;

    public Task<ProviderChargeResult> ChargeAsync(ProviderCharge charge, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(charge.TransactionId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(charge.TransactionId.Length, 64, nameof(charge));
        if (charge.Amount <= 0 || decimal.Round(charge.Amount, 2) != charge.Amount || !SnapExternalIds.IsValid(charge.ExternalId))
        {
            throw new ArgumentException("A positive amount with at most 2 fraction digits and a numeric external id of at most 36 digits.", nameof(charge));
        }

        return ProviderErrors.GuardAsync(method, "charge (54)", async () =>
        {
            var reply = await SendAsync(SnapServices.DebitPayment, SnapServices.DebitPaymentPath, ChargeBody(charge), charge.ExternalId, ct);
            return ReadCharge(charge, reply);
        }, ct);
    }

    public Task<ProviderChargeResult?> GetStatusAsync(string transactionId, string? providerReference, CancellationToken ct) =>
        ProviderErrors.GuardAsync<ProviderChargeResult?>(method, "status inquiry (55)", async () =>
        {
            var body = SnapJson.Serialize(new DebitStatusRequest(transactionId, NullIfEmpty(providerReference), SnapServices.DebitPayment));
            // An inquiry changes nothing at the provider: a new external id per call, nothing to persist.
            var reply = await SendAsync(SnapServices.DebitStatus, SnapServices.DebitStatusPath, body, SnapExternalIds.New(time.GetUtcNow()), ct);
            return reply.Class switch
            {
                SnapResponseClass.Success => ReadStatus(transactionId, providerReference, reply),
                SnapResponseClass.NotFound => null,
                _ => throw Unknown("status inquiry (55)", reply),
            };
        }, ct);

    public Task<ProviderRefundResult> RefundAsync(ProviderRefund refund, CancellationToken ct) =>
        ProviderErrors.GuardAsync(method, "refund (58)", async () =>
        {
            var body = SnapJson.Serialize(new DebitRefundRequest(refund.TransactionId, NullIfEmpty(refund.ProviderReference), refund.RefundNo,
                SnapAmount.Of(refund.Amount), refund.Reason));
            var reply = await SendAsync(SnapServices.DebitRefund, SnapServices.DebitRefundPath, body, refund.ExternalId, ct);
            return ReadRefund(refund, reply);
        }, ct);

    /// <summary>
    /// The charge's body: a pure function of the charge and this provider's configuration, so a charge resent with its
    /// persisted external id is byte for byte the request the provider already has.
    /// </summary>
    public byte[] ChargeBody(ProviderCharge charge) =>
        SnapJson.Serialize(new DebitPaymentRequest(charge.TransactionId, options.MerchantId, SnapAmount.Of(charge.Amount), [SnapUrlParam.NotifyAt(notifyUrl)]));

    private ProviderChargeResult ReadCharge(ProviderCharge charge, SnapReply reply)
    {
        var answer = SnapJson.TryDeserialize<DebitPaymentResponse>(reply.Body);
        switch (reply.Class)
        {
            case SnapResponseClass.Success when answer is { ReferenceNo.Length: > 0 } && IsOurs(answer, charge, amountRequired: true):
                return new ProviderChargeResult(ProviderOutcome.Succeeded, charge.TransactionId, answer.ReferenceNo, reply.ResponseCode!, charge.Amount);
            case SnapResponseClass.InProgress when answer is not null && IsOurs(answer, charge, amountRequired: false):
                return new ProviderChargeResult(ProviderOutcome.Pending, charge.TransactionId, answer.ReferenceNo ?? "", reply.ResponseCode!, charge.Amount);
            case SnapResponseClass.Declined or SnapResponseClass.InvalidRequest when answer is not null && MayBeOurs(answer, charge):
                if (reply.Class == SnapResponseClass.InvalidRequest)
                {
                    logger.LogError("{Provider} refused our charge {TransactionId} as malformed: {Reply}", method, charge.TransactionId, reply);
                }

                return new ProviderChargeResult(ProviderOutcome.Declined, charge.TransactionId, answer.ReferenceNo ?? "", reply.ResponseCode!, charge.Amount,
                    SnapResponseMapping.FailureReason(reply.ResponseCode!, answer.ResponseMessage));
            default:
                throw Unknown("charge (54)", reply);
        }
    }

    private ProviderChargeResult? ReadStatus(string transactionId, string? providerReference, SnapReply reply)
    {
        var answer = SnapJson.TryDeserialize<DebitStatusResponse>(reply.Body);
        if (answer is null || answer.OriginalPartnerReferenceNo != transactionId
            || answer.ServiceCode is not (null or SnapServices.DebitPayment)
            || (!string.IsNullOrEmpty(providerReference) && !string.IsNullOrEmpty(answer.OriginalReferenceNo) && answer.OriginalReferenceNo != providerReference))
        {
            throw Unknown("status inquiry (55), answered for another charge", reply);
        }

        if (answer.LatestTransactionStatus == SnapTransactionStatus.NotFound)
        {
            return null;
        }

        if (SnapResponseMapping.Outcome(answer.LatestTransactionStatus) is not { } outcome || answer.Amount?.TryGetValue(out var amount) != true)
        {
            throw Unknown("status inquiry (55), unreadable status or amount", reply);
        }

        return new ProviderChargeResult(outcome, transactionId, answer.OriginalReferenceNo ?? providerReference ?? "", answer.LatestTransactionStatus!, amount,
            outcome == ProviderOutcome.Declined ? SnapResponseMapping.FailureReason(answer.LatestTransactionStatus!, answer.TransactionStatusDesc) : null);
    }

    private ProviderRefundResult ReadRefund(ProviderRefund refund, SnapReply reply)
    {
        switch (reply.Class)
        {
            case SnapResponseClass.Success:
                var answer = SnapJson.TryDeserialize<DebitRefundResponse>(reply.Body);
                if (answer is null || answer.PartnerRefundNo != refund.RefundNo || !Matches(answer.RefundAmount, refund.Amount)
                    || answer.OriginalPartnerReferenceNo is not null && answer.OriginalPartnerReferenceNo != refund.TransactionId)
                {
                    throw Unknown("refund (58), answered for another refund", reply);
                }

                return new ProviderRefundResult(true, answer.RefundNo, reply.ResponseCode!);
            case SnapResponseClass.Declined or SnapResponseClass.InvalidRequest or SnapResponseClass.NotFound:
                logger.LogWarning("{Provider} refused refund {RefundNo} of {TransactionId}: {Reply}", method, refund.RefundNo, refund.TransactionId, reply);
                return new ProviderRefundResult(false, null, reply.ResponseCode!);
            default:
                throw Unknown("refund (58)", reply);
        }
    }

    /// <summary>Sends with the cached token; on <c>401xx01</c> drops it and sends the same body and external id once more with a new token.</summary>
    private async Task<SnapReply> SendAsync(string service, string servicePath, byte[] body, string externalId, CancellationToken ct)
    {
        var token = await tokens.GetAsync(http, ct);
        var reply = await SendOnceAsync(service, servicePath, body, externalId, token, ct);
        if (reply.Class != SnapResponseClass.InvalidToken)
        {
            return reply;
        }

        logger.LogInformation("{Provider} refused the cached access token ({ResponseCode}); fetching a new one and resending once", method, reply.ResponseCode);
        tokens.Invalidate(token);
        token = await tokens.GetAsync(http, ct);
        return await SendOnceAsync(service, servicePath, body, externalId, token, ct);
    }

    private async Task<SnapReply> SendOnceAsync(string service, string servicePath, byte[] body, string externalId, string token, CancellationToken ct)
    {
        var url = options.Url(servicePath);
        var timestamp = SnapTimestamp.Format(time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = SnapReply.Content(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, SnapSignature.SignSymmetric(options.ClientSecret, "POST", url.AbsolutePath, token, body, timestamp));
        request.Headers.Add(SnapHeaders.PartnerId, options.PartnerId);
        request.Headers.Add(SnapHeaders.ExternalId, externalId);
        request.Headers.Add(SnapHeaders.ChannelId, options.ChannelId);

        using var response = await http.SendAsync(request, ct);
        var answerBody = await response.Content.ReadAsByteArrayAsync(ct);
        var status = (int)response.StatusCode;
        var code = SnapJson.TryDeserialize<SnapAnswer>(answerBody)?.ResponseCode;
        return new SnapReply(status, answerBody, code, SnapResponseMapping.Classify(code, service, status));
    }

    private ProviderUnavailableException Unknown(string operation, SnapReply reply)
    {
        if (reply.Class == SnapResponseClass.Unauthorized)
        {
            logger.LogError("{Provider} refused our signature or credentials on {Operation}: {Reply}", method, operation, reply);
        }

        return ProviderErrors.Unexpected(method, operation, reply.ToString());
    }

    /// <summary>A success or in-progress answer must be about our charge: same partnerReferenceNo and amount.</summary>
    private static bool IsOurs(DebitPaymentResponse answer, ProviderCharge charge, bool amountRequired) =>
        answer.PartnerReferenceNo == charge.TransactionId && (answer.Amount is null ? !amountRequired : Matches(answer.Amount, charge.Amount));

    /// <summary>An error answer often echoes nothing; what it does echo must be ours.</summary>
    private static bool MayBeOurs(DebitPaymentResponse answer, ProviderCharge charge) =>
        (answer.PartnerReferenceNo is null || answer.PartnerReferenceNo == charge.TransactionId)
        && (answer.Amount is null || Matches(answer.Amount, charge.Amount));

    private static bool Matches(SnapAmount? amount, decimal expected) => amount is not null && amount.TryGetValue(out var value) && value == expected;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
