using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Tokens;

/// <summary>
/// ES256 signing keys (section <c>Auth:Signing</c>), from secrets only — the AppHost generates a development
/// key; nothing private is committed. Rotation: add the new key, make it active, keep the old one listed until
/// the last token it signed has expired (15 minutes); every listed key is published in the JWKS.
/// </summary>
public sealed class SigningKeyOptions
{
    public const string Section = "Auth:Signing";

    [Required, MinLength(1)]
    public List<SigningKeyEntry> Keys { get; set; } = [];

    /// <summary>The key that signs new tokens; the first listed key when not set.</summary>
    public string? ActiveKeyId { get; set; }
}

public sealed class SigningKeyEntry
{
    [Required]
    public string KeyId { get; set; } = "";

    /// <summary>A P-256 private key in PEM (PKCS#8 or SEC1).</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";
}
