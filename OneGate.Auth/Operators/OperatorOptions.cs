using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Operators;

/// <summary>Section <c>Auth:Operators</c>.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Auth:Operators";

    /// <summary>
    /// Encrypts the operators' TOTP secrets at rest (AES-256-GCM under its SHA-256). A secret, like the signing key:
    /// an AppHost parameter or a deployment Secret, never a file in the repository.
    /// </summary>
    [Required]
    [MinLength(32)]
    public string TotpKey { get; set; } = "";
}
