namespace OneGate.Transaction.Data;

/// <summary>
/// What this service knows of a user (table <c>masked_users</c>, fed by Auth's <c>onegate.users.v1</c>): only the
/// masks regulators see, never the username or phone themselves, and the version of the user's state they were
/// made from, so an older or replayed event never overwrites a newer one.
/// </summary>
public sealed class MaskedUser
{
    public int UserId { get; set; }

    public required string MaskedUsername { get; set; }

    public required string MaskedPhone { get; set; }

    /// <summary>ACTIVE or INACTIVE, as Auth last said.</summary>
    public required string Status { get; set; }

    /// <summary>Auth's change counter of the user (1 at registration).</summary>
    public int Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
