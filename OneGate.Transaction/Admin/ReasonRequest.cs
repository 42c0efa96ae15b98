namespace OneGate.Transaction.Admin;

/// <summary>An action whose only input is an optional why (a rotation, a replay).</summary>
public sealed record ReasonRequest(string? Reason = null);
