namespace OneGate.Auth.Tokens;

/// <summary>What login and refresh return.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, int RefreshExpiresIn);
