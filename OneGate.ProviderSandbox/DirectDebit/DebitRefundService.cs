using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.DirectDebit;

/// <summary>
/// Service 58, refund of a settled charge, idempotent by <c>partnerRefundNo</c>: 200 2005800; unknown or unsettled
/// charge 404 4045801; more than what is left 400 4005801; a partnerRefundNo reused with another amount or charge
/// 409 4095801; the scripted failure 500 5005801.
/// </summary>
public sealed class DebitRefundService(ChargeBook charges, TimeProvider time)
{
    private const string Service = SnapServices.DebitRefund;

    public static SnapReply? Check(DebitRefundRequest request)
    {
        if (string.IsNullOrEmpty(request.OriginalPartnerReferenceNo))
        {
            return SnapReply.MissingField(Service, "originalPartnerReferenceNo");
        }

        if (string.IsNullOrEmpty(request.PartnerRefundNo))
        {
            return SnapReply.MissingField(Service, "partnerRefundNo");
        }

        if (request.PartnerRefundNo.Length > 64)
        {
            return SnapReply.InvalidFormat(Service, "partnerRefundNo");
        }

        if (request.RefundAmount is null)
        {
            return SnapReply.MissingField(Service, "refundAmount");
        }

        if (!request.RefundAmount.TryGetValue(out _))
        {
            return SnapReply.InvalidFormat(Service, "refundAmount");
        }

        return request.Reason is { Length: > 256 } ? SnapReply.InvalidFormat(Service, "reason") : null;
    }

    public SnapReply Refund(SandboxProvider provider, DebitRefundRequest request)
    {
        var charge = charges.Find(provider, request.OriginalPartnerReferenceNo);
        if (charge is null || (!string.IsNullOrEmpty(request.OriginalReferenceNo) && request.OriginalReferenceNo != charge.ReferenceNo))
        {
            return SnapReply.NotFound(Service);
        }

        request.RefundAmount.TryGetValue(out var amount);
        var decision = charges.Refund(charge, request.PartnerRefundNo, ProviderNumbers.Refund(provider, time.GetUtcNow()), amount);
        return decision.Kind switch
        {
            RefundDecisionKind.Refunded or RefundDecisionKind.Replayed => Refunded(charge, decision.Refund!),
            RefundDecisionKind.NotRefundable => SnapReply.NotFound(Service),
            RefundDecisionKind.ExceedsRemaining => SnapReply.Answer(400, Service, "01", "Invalid Field Format refundAmount (more than the remaining amount)"),
            RefundDecisionKind.Conflict => SnapReply.Answer(409, Service, "01", "Duplicate partnerRefundNo"),
            _ => SnapReply.InternalError(Service),
        };
    }

    private static SnapReply Refunded(SandboxCharge charge, ChargeRefund refund) =>
        SnapReply.Of(200, new DebitRefundResponse(SnapReply.Code(200, Service, "00"), "Successful", charge.PartnerReferenceNo, charge.ReferenceNo,
            refund.PartnerRefundNo, refund.RefundNo, SnapAmount.Of(refund.Amount), SnapTimestamp.Format(refund.At)));
}
