namespace OneGate.Payment.Admin;

/// <summary>How the operator settled a stranded refund outside the system.</summary>
public sealed record ResolveRequest(string? Note);
