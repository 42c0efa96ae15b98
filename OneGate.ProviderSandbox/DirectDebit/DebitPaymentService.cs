using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.DirectDebit;

/// <summary>
/// Service 54, direct debit payment host-to-host: charges the user's wallet under the partner's
/// <c>partnerReferenceNo</c> and answers with the charge's status as its scenario has it: 200 2005400 settled,
/// 202 2025400 in progress, 403 4035414 declined (insufficient funds); a reference already charged 409 4095401.
/// </summary>
public sealed class DebitPaymentService(SandboxProviders providers, ChargeBook charges, TimeProvider time)
{
    private const string Service = SnapServices.DebitPayment;

    public SnapReply? Check(SandboxProvider provider, DebitPaymentRequest request)
    {
        if (string.IsNullOrEmpty(request.PartnerReferenceNo))
        {
            return SnapReply.MissingField(Service, "partnerReferenceNo");
        }

        if (request.PartnerReferenceNo.Length > 64)
        {
            return SnapReply.InvalidFormat(Service, "partnerReferenceNo");
        }

        if (string.IsNullOrEmpty(request.MerchantId))
        {
            return SnapReply.MissingField(Service, "merchantId");
        }

        if (request.Amount is null)
        {
            return SnapReply.MissingField(Service, "amount");
        }

        if (!request.Amount.TryGetValue(out _))
        {
            return SnapReply.InvalidFormat(Service, "amount");
        }

        if (NotificationUrl(request) is not { } notify)
        {
            return SnapReply.MissingField(Service, "urlParams (NOTIFICATION)");
        }

        if (!Uri.TryCreate(notify, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return SnapReply.InvalidFormat(Service, "urlParams.url");
        }

        return request.MerchantId == providers[provider].MerchantId ? null : SnapReply.InvalidMerchant(Service);
    }

    public async Task<SnapReply> PayAsync(SandboxProvider provider, DebitPaymentRequest request, CancellationToken cancellationToken)
    {
        request.Amount.TryGetValue(out var amount);
        var notifyUrl = new Uri(NotificationUrl(request)!);
        var charge = charges.Open(provider, request.PartnerReferenceNo, ProviderNumbers.Charge(provider, time.GetUtcNow()), amount, notifyUrl);
        if (charge is null)
        {
            return SnapReply.Answer(409, Service, "01", "Duplicate partnerReferenceNo");
        }

        await charges.WaitUntilAnswerableAsync(charge, cancellationToken);
        return charge.State.Status switch
        {
            ChargeStatus.Pending => Reply(202, "00", "Request In Progress", charge),
            ChargeStatus.Declined => Reply(403, "14", "Insufficient Funds", charge),
            _ => Reply(200, "00", "Successful", charge),
        };
    }

    private static string? NotificationUrl(DebitPaymentRequest request) =>
        request.UrlParams?.FirstOrDefault(u => u?.Type == SnapUrlParam.Notification)?.Url;

    private static SnapReply Reply(int statusCode, string caseCode, string message, SandboxCharge charge) =>
        SnapReply.Of(statusCode, new DebitPaymentResponse(SnapReply.Code(statusCode, Service, caseCode), message, charge.ReferenceNo,
            charge.PartnerReferenceNo, SnapAmount.Of(charge.Amount)));
}
