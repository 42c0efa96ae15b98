namespace OneGate.Payment.Idempotency;

/// <summary>A caller's valid Idempotency-Key and the fingerprint of the request it came with.</summary>
public sealed record IdempotentRequest(int UserId, string Key, string Method, string Path, string Hash);
