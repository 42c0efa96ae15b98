namespace OneGate.Auth.Data;

/// <summary>
/// One refresh token of a login session (table <c>authentications</c>). Rotation writes a new row
/// in the same family and marks this one revoked and replaced.
/// </summary>
public sealed class Authentication
{
    /// <summary>
    /// SHA-256 (hex) of the refresh token, stored in the ERD's <c>token</c> column: a database
    /// leak must not hand out live refresh tokens.
    /// </summary>
    public required string TokenHash { get; set; }

    public int UserId { get; set; }

    public User? User { get; set; }

    /// <summary>The access token's <c>sid</c> claim; logout revokes by it.</summary>
    public Guid SessionId { get; set; }

    /// <summary>Shared by every token rotated from one login; a reused token revokes its family.</summary>
    public Guid FamilyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Hash of the token that replaced this one on rotation.</summary>
    public string? ReplacedBy { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Textual IPv4 or IPv6 (45 chars fits an IPv4-mapped IPv6 address).</summary>
    public string? IpAddress { get; set; }
}
