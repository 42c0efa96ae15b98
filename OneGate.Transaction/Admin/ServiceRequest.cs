using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>A new regulator service; its permissions and rate limits are the defaults of its new keys.</summary>
public sealed record ServiceRequest(string? Code, string? Name, ApiPermission[]? Permissions, RateLimitsView? RateLimits,
    string? Description = null, string? ContactEmail = null, string? Reason = null);
