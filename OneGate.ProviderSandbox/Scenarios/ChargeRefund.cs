namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>One refund call that reached a charge: the partner's refund number, the provider's, and what became of it.</summary>
public sealed record ChargeRefund(string PartnerRefundNo, string RefundNo, decimal Amount, RefundStatus Status, DateTimeOffset At);
