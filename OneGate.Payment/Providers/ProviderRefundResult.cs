namespace OneGate.Payment.Providers;

/// <summary>The provider's answer to a refund. <see cref="Refunded"/> false: it refused definitively (retrying the same request will not help).</summary>
public sealed record ProviderRefundResult(bool Refunded, string? RefundReference, string ResponseCode);
