namespace OneGate.Snap;

/// <summary>Service 73 answer; <c>expiresIn</c> is a string of seconds.</summary>
public sealed record AccessTokenResponse(string ResponseCode, string ResponseMessage, string? AccessToken = null, string? TokenType = null,
    string? ExpiresIn = null);
