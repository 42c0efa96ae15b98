namespace OneGate.Payment.Providers;

/// <summary>The provider's definitive answer to a refund.</summary>
/// <param name="Refunded">True when the money went back; false when the provider refused for good (e.g. <c>4045801</c>: no settled charge).</param>
/// <param name="RefundReference">The provider's <c>refundNo</c>, when refunded.</param>
/// <param name="ResponseCode">The SNAP <c>responseCode</c>, for logs and the operator.</param>
public sealed record ProviderRefundResult(bool Refunded, string? RefundReference, string ResponseCode);
