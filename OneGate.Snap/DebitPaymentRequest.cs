namespace OneGate.Snap;

/// <summary>Service 54: charge the user's e-wallet under our <c>partnerReferenceNo</c>.</summary>
public sealed record DebitPaymentRequest(string PartnerReferenceNo, string MerchantId, SnapAmount Amount,
    IReadOnlyList<SnapUrlParam>? UrlParams = null, Dictionary<string, string>? AdditionalInfo = null);
