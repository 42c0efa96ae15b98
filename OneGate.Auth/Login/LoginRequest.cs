namespace OneGate.Auth.Login;

/// <param name="Username">A username, e-mail address or phone number (08…, 628…, +628…).</param>
public sealed record LoginRequest(string? Username, string? Password);
