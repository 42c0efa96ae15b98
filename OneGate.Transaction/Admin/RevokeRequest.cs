namespace OneGate.Transaction.Admin;

/// <summary>Why a key is revoked: required.</summary>
public sealed record RevokeRequest(string? Reason);
