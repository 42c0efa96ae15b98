namespace OneGate.ProviderSandbox.Snap;

/// <summary>A B2B access token: which provider issued it, to which client, until when.</summary>
public sealed record IssuedToken(SandboxProvider Provider, string ClientId, DateTimeOffset ExpiresAt);
