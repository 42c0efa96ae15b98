namespace OneGate.Snap;

/// <summary>Service 73 request body.</summary>
public sealed record AccessTokenRequest(string GrantType);
