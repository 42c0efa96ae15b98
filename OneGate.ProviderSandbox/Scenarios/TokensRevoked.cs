namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Answer of <c>DELETE /sandbox/gopay/tokens</c>.</summary>
public sealed record TokensRevoked(int Revoked);
