using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>A key's new rate limits.</summary>
public sealed record LimitsRequest(RateLimitsView? RateLimits, string? Reason = null);
