namespace OneGate.Snap;

/// <summary>Service 58: give back (part of) a charge.</summary>
public sealed record DebitRefundRequest(string OriginalPartnerReferenceNo, string? OriginalReferenceNo, string PartnerRefundNo, SnapAmount RefundAmount,
    string Reason);
