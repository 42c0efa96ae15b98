namespace OneGate.Snap;

public sealed record DebitPaymentResponse(string ResponseCode, string ResponseMessage, string? ReferenceNo = null, string? PartnerReferenceNo = null,
    SnapAmount? Amount = null);
