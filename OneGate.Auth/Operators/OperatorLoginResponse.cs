namespace OneGate.Auth.Operators;

/// <param name="AccessToken">The operator token: send it as <c>Authorization: Bearer</c> to <c>/api/admin/...</c> at any service.</param>
/// <param name="ExpiresIn">Seconds until the session ends whatever happens (absolute lifetime).</param>
/// <param name="IdleTimeout">Seconds without a request to any service after which the session ends.</param>
public sealed record OperatorLoginResponse(string AccessToken, string TokenType, int ExpiresIn, int IdleTimeout, OperatorResponse Operator);
