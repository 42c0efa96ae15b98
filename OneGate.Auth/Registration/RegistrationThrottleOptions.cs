using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OneGate.Auth.Registration;

/// <summary>
/// Registrations per client (section <c>Auth:RegistrationThrottle</c>) in a fixed window from the first one; refused
/// attempts do not extend it. Every registration that passes validation counts, a 409 too, so the endpoint is no
/// faster way to probe which usernames, e-mails and phones exist.
/// </summary>
public sealed class RegistrationThrottleOptions : IValidatableObject
{
    public const string Section = "Auth:RegistrationThrottle";

    [Range(1, 100_000)]
    public int MaxPerClient { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Networks (CIDR) whose clients are not limited. Only for Local mode, where the orchestrator's proxy makes every
    /// caller 127.0.0.1; behind Kong the client address is the real one and this stays empty.
    /// </summary>
    public List<string> UnlimitedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        UnlimitedNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => new ValidationResult($"'{n}' is not a network in CIDR notation", [nameof(UnlimitedNetworks)]));
}
