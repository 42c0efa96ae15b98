namespace OneGate.Payment.TopUps;

/// <param name="PaymentMethod">GOPAY or SHOPEE_PAY.</param>
public sealed record TopUpRequest(decimal? Amount, string? PaymentMethod, string? Description = null);
