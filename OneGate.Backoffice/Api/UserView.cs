namespace OneGate.Backoffice.Api;

/// <summary>A user as Auth shows operators (e-mail and phone masked for SUPPORT).</summary>
public sealed record UserView(int Id, string Username, string Email, string Phone, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Masked);
