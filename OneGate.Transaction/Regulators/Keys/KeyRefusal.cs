namespace OneGate.Transaction.Regulators.Keys;

/// <summary>Why a key or service action changed nothing (each is a problem code of the API and a message of the <c>keys</c> command).</summary>
public enum KeyRefusal
{
    None,
    ServiceNotFound,
    ServiceInactive,
    ServiceExists,
    KeyNotFound,

    /// <summary>Revoked or expired: create a new key instead.</summary>
    KeyNotActive,

    /// <summary>Rotated once already: rotate its successor.</summary>
    KeyAlreadyRotated,

    KeyAlreadyRevoked,
}
