namespace OneGate.Auth.Registration;

/// <param name="Username">3–50 of [a-z0-9_.], at least one letter; letters are taken case-insensitively and stored lower-case.</param>
/// <param name="Email">Unique ignoring case; stored as typed.</param>
/// <param name="Phone">Indonesian mobile number as 08…, 628… or +628…; stored as +628….</param>
/// <param name="Password">8–128 characters.</param>
public sealed record RegisterRequest(string? Username, string? Email, string? Phone, string? Password);
