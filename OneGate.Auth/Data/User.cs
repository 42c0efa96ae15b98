namespace OneGate.Auth.Data;

/// <summary>A registered user (table <c>users</c>).</summary>
public sealed class User
{
    /// <summary>Database-generated identity. The single user-id type (<c>integer</c>) used by every service.</summary>
    public int Id { get; set; }

    /// <summary>3–50 of <c>[a-z0-9_.]</c>; unique ignoring case.</summary>
    public required string Username { get; set; }

    /// <summary>Unique ignoring case; stored as the user typed it.</summary>
    public required string Email { get; set; }

    /// <summary>Indonesian mobile number, always stored normalised as <c>+628…</c>.</summary>
    public required string Phone { get; set; }

    /// <summary>Argon2id hash (encoded with its parameters and salt); never the password.</summary>
    public required string PasswordHash { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>
    /// 1 at registration, one more with each change of username, phone or status: set by the database (trigger
    /// <c>tr_users_version</c>), which also writes that change's event to <c>auth_outbox_messages</c>.
    /// </summary>
    public int Version { get; set; }

    /// <summary>Filled by the database (<c>now()</c>) when left at its default.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Filled by the database on insert; the application sets it on every update.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public ICollection<Authentication> Authentications { get; } = [];
}
