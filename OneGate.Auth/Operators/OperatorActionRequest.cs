namespace OneGate.Auth.Operators;

/// <param name="Reason">Why (at most 500 characters; required to deactivate): kept in the audit trail.</param>
public sealed record OperatorActionRequest(string? Reason);
