using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.DirectDebit;

/// <summary>Service 55, status inquiry of a service-54 charge: 200 2005500 with <c>latestTransactionStatus</c>, unknown 404 4045501.</summary>
public sealed class DebitStatusService(ChargeBook charges)
{
    private const string Service = SnapServices.DebitStatus;

    public static SnapReply? Check(DebitStatusRequest request)
    {
        if (string.IsNullOrEmpty(request.OriginalPartnerReferenceNo))
        {
            return SnapReply.MissingField(Service, "originalPartnerReferenceNo");
        }

        if (string.IsNullOrEmpty(request.ServiceCode))
        {
            return SnapReply.MissingField(Service, "serviceCode");
        }

        return request.ServiceCode == SnapServices.DebitPayment ? null : SnapReply.InvalidFormat(Service, "serviceCode");
    }

    public SnapReply Inquire(SandboxProvider provider, DebitStatusRequest request)
    {
        var charge = charges.Find(provider, request.OriginalPartnerReferenceNo);
        if (charge is null || (!string.IsNullOrEmpty(request.OriginalReferenceNo) && request.OriginalReferenceNo != charge.ReferenceNo))
        {
            return SnapReply.NotFound(Service);
        }

        var (status, refunded) = charge.State;
        var latest = SnapStatus.Of(status);
        return SnapReply.Of(200, new DebitStatusResponse(SnapReply.Code(200, Service, "00"), "Successful", charge.PartnerReferenceNo,
            charge.ReferenceNo, SnapServices.DebitPayment, latest, SnapTransactionStatus.Describe(latest), SnapAmount.Of(charge.Amount),
            refunded > 0 ? SnapAmount.Of(refunded) : null));
    }
}
