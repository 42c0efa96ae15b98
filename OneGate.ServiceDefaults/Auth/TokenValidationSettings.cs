using System.ComponentModel.DataAnnotations;

namespace OneGate.ServiceDefaults.Auth;

/// <summary>How every service validates OneGate access tokens (section <c>OneGate:Tokens</c>).</summary>
public sealed class TokenValidationSettings
{
    public const string Section = "OneGate:Tokens";

    [Required]
    public string Issuer { get; set; } = "onegate-auth";

    [Required]
    public string Audience { get; set; } = "onegate-api";

    /// <summary>The back office's tokens (<see cref="OperatorAuthentication"/>): never accepted where users' are, nor the reverse.</summary>
    [Required]
    public string OperatorAudience { get; set; } = "onegate-backoffice";

    /// <summary>Where the Auth service publishes its public keys; resolved through service discovery.</summary>
    [Required]
    public Uri JwksUri { get; set; } = new("http://auth/.well-known/jwks.json");

    /// <summary>Small on purpose: tokens live 15 minutes and clocks are NTP-synchronised.</summary>
    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;
}
