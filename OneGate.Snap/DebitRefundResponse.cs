namespace OneGate.Snap;

public sealed record DebitRefundResponse(string ResponseCode, string ResponseMessage, string? OriginalPartnerReferenceNo = null,
    string? OriginalReferenceNo = null, string? PartnerRefundNo = null, string? RefundNo = null, SnapAmount? RefundAmount = null,
    string? RefundTime = null);
