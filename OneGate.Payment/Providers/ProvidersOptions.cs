using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Providers;

/// <summary>
/// <c>Providers</c>: what both e-wallet clients share — where the providers call us back, and the resilience
/// of every provider call (each attempt ≤ <see cref="AttemptTimeout"/>, all attempts ≤ <see cref="TotalTimeout"/>,
/// <see cref="MaxRetryAttempts"/> retries on transient failures, a circuit breaker per provider).
/// </summary>
public sealed class ProvidersOptions : IValidatableObject
{
    public const string SectionName = "Providers";

    /// <summary>Payment's own public base URL as the providers reach it, e.g. <c>http://localhost:5102</c>.</summary>
    [Required]
    public string CallbackBaseUrl { get; set; } = "";

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt (0 = none).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>First retry delay; exponential with jitter after that.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The circuit opens when at least this share of calls in the sampling window failed...</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>...and at least this many calls were made in it.</summary>
    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once (<see cref="ProviderUnavailableException"/>) before trying again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The absolute URL a provider should call back for <paramref name="path"/> (e.g. <c>/api/payments/callbacks/gopay</c>).</summary>
    public string CallbackUrl(string path) => new Uri(new Uri(CallbackBaseUrl.TrimEnd('/') + "/"), path.TrimStart('/')).AbsoluteUri;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(CallbackBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("CallbackBaseUrl must be an absolute http(s) URL.", [nameof(CallbackBaseUrl)]);
        }

        if (TotalTimeout <= AttemptTimeout)
        {
            yield return new ValidationResult("TotalTimeout must be longer than AttemptTimeout.", [nameof(TotalTimeout), nameof(AttemptTimeout)]);
        }
    }
}
