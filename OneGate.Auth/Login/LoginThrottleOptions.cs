using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Login;

/// <summary>
/// Login limits (section <c>Auth:LoginThrottle</c>), each a fixed window that starts at the first counted
/// attempt and is never extended by refused attempts, so every refusal lapses by itself. Attempts are reserved
/// before the password is checked; a successful login gives its reservation back. The design (why identifiers
/// rather than accounts, why no account-wide lockout) is in docs/auth.md, "Login throttling".
/// </summary>
public sealed class LoginThrottleOptions : IValidatableObject
{
    public const string Section = "Auth:LoginThrottle";

    /// <summary>Failures for one identifier (username, e-mail or phone) from one client.</summary>
    [Range(1, 1000)]
    public int MaxFailuresPerIdentifierAndClient { get; set; } = 5;

    /// <summary>Failures from one client across all identifiers (password spraying).</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerClient { get; set; } = 20;

    /// <summary>
    /// Failures for one identifier from all clients after which it is under attack: from then on only clients
    /// without a failure in their window may try it. An account has three identifiers, so at most three times this.
    /// </summary>
    [Range(1, 100_000)]
    public int IdentifierUnderAttackAfter { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Under attack, clients that have not failed the identifier share a bucket of this many attempts, refilled one per
    /// <see cref="CleanClientInterval"/>: an attacker rotating addresses gets that many guesses, not one per address, and
    /// the owner on a fresh address is at worst slowed by one interval.
    /// </summary>
    [Range(1, 1000)]
    public int CleanClientBurst { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CleanClientInterval { get; set; } = TimeSpan.FromSeconds(36);

    /// <summary>
    /// How long a client that logged in to an identifier stays known to it: under attack it needs no token from the
    /// clean clients' bucket (unless it has failed the identifier since), so draining the bucket does not lock the
    /// owner out from an address the owner has used.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan KnownClientLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Networks (CIDR) whose clients are not held to <see cref="MaxFailuresPerClient"/>: a proxy every caller shares
    /// (Local mode's orchestrator). The per-identifier limits still apply to them.
    /// </summary>
    public List<string> UnlimitedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        UnlimitedNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _))
            .Select(n => new ValidationResult($"'{n}' is not a network in CIDR notation", [nameof(UnlimitedNetworks)]));
}
