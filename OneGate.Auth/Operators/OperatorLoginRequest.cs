namespace OneGate.Auth.Operators;

/// <param name="Username">The operator's username.</param>
/// <param name="Code">The 6-digit code of the operator's authenticator app (TOTP); each code is accepted once.</param>
public sealed record OperatorLoginRequest(string? Username, string? Password, string? Code);
