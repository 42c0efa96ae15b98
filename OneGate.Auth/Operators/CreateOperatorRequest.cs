namespace OneGate.Auth.Operators;

/// <param name="Username">3 to 50 of a-z, 0-9, '.', '_' and '-', starting with a letter (lower-cased).</param>
/// <param name="Password">The initial password (12 to 128 characters), handed to the new operator with the TOTP enrolment.</param>
/// <param name="Roles">One or more of SUPPORT, OPERATIONS, COMPLIANCE, ADMIN.</param>
public sealed record CreateOperatorRequest(string? Username, string? Password, IReadOnlyList<string>? Roles);
