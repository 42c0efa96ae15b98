namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Answer of <c>DELETE /sandbox/tokens</c>.</summary>
public sealed record TokensRevoked(int Revoked);
