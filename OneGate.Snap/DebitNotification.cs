namespace OneGate.Snap;

/// <summary>Service 56: the provider's notification of a charge's outcome.</summary>
public sealed record DebitNotification(string OriginalPartnerReferenceNo, string? OriginalReferenceNo, string? MerchantId, SnapAmount Amount,
    string LatestTransactionStatus, string? TransactionStatusDesc, Dictionary<string, object>? AdditionalInfo = null);
