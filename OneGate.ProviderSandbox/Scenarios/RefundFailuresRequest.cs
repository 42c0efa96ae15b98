namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>How many of a charge's next refund attempts fail.</summary>
public sealed record RefundFailuresRequest(int? Count);
