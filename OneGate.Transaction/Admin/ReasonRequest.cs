namespace OneGate.Transaction.Admin;

/// <summary>An action whose only input is why (required to revoke a key, optional otherwise).</summary>
public sealed record ReasonRequest(string? Reason);
