namespace OneGate.Backoffice.Api;

/// <summary>Auth's answer to an operator login: the token, its lifetimes (seconds) and the operator.</summary>
public sealed record OperatorLogin(string AccessToken, string TokenType, int ExpiresIn, int IdleTimeout, OperatorView Operator);
