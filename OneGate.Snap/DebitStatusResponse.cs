namespace OneGate.Snap;

public sealed record DebitStatusResponse(string ResponseCode, string ResponseMessage, string? OriginalPartnerReferenceNo = null,
    string? OriginalReferenceNo = null, string? ServiceCode = null, string? LatestTransactionStatus = null, string? TransactionStatusDesc = null,
    SnapAmount? Amount = null, SnapAmount? RefundAmount = null);
