namespace OneGate.Auth.Data;

/// <summary>
/// A back-office operator (table <c>operators</c>): an identity separate from users, with a password (Argon2id, as
/// users) and a TOTP second factor, and the roles that decide what it may do (<see cref="ServiceDefaults.Auth.OperatorRoles"/>).
/// </summary>
public sealed class Operator
{
    public int Id { get; set; }

    /// <summary>Lower-case, unique.</summary>
    public required string Username { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>The TOTP secret, encrypted (<see cref="Operators.TotpSecrets"/>): it must be read back to check codes, so it cannot be a hash.</summary>
    public required byte[] TotpSecret { get; set; }

    /// <summary>The last TOTP time step accepted: a code is good once (RFC 6238 §5.2).</summary>
    public long TotpLastStep { get; set; }

    public required List<string> Roles { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The operator that created this one; null for the bootstrap admin.</summary>
    public int? CreatedBy { get; set; }
}
