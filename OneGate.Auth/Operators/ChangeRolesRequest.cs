namespace OneGate.Auth.Operators;

/// <param name="Roles">The operator's roles from now on (replacing the old ones): one or more of SUPPORT, OPERATIONS, COMPLIANCE, ADMIN.</param>
/// <param name="Reason">Why (optional, at most 500 characters): kept in the audit trail.</param>
public sealed record ChangeRolesRequest(IReadOnlyList<string>? Roles, string? Reason = null);
