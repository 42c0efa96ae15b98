namespace OneGate.Snap;

/// <summary>Service 55: where a service-54 charge stands.</summary>
public sealed record DebitStatusRequest(string OriginalPartnerReferenceNo, string? OriginalReferenceNo, string ServiceCode);
