using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>A new key of a service; permissions and rate limits left out are the service's.</summary>
public sealed record IssueKeyRequest(string? Name, ApiPermission[]? Permissions = null, RateLimitsView? RateLimits = null, int? ExpiresInDays = null,
    string? Reason = null);
