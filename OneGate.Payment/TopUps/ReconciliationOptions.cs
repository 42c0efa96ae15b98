using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.TopUps;

/// <summary>Section <c>Payment:Reconciliation</c>: how PENDING top-ups are asked about, and how refunds are retried.</summary>
public sealed class ReconciliationOptions : IValidatableObject
{
    public const string Section = "Payment:Reconciliation";

    /// <summary>How often due inquiries and refunds are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A top-up still PENDING this long after it was recorded is first asked about at its provider.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PendingFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A top-up the provider has no final answer for after this long is recorded FAILED (and still asked about).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After this long without a final answer an operator is told (log error) and asking stops.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan StopAskingAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The longest wait between two inquiries about one top-up, or two attempts of one refund (they back off exponentially up to it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a replica holds rows it claimed; a replica that died lets them go after this.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Rows worked on at once (and claimed per batch) by each replica.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;

    /// <summary>A refund still unconfirmed after this many attempts is logged as an error for an operator (and keeps being retried).</summary>
    [Range(1, 1000)]
    public int RefundAttemptsBeforeAlert { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(PendingFor < GiveUpAfter && GiveUpAfter < StopAskingAfter))
        {
            yield return new ValidationResult("PendingFor < GiveUpAfter < StopAskingAfter.", [nameof(GiveUpAfter)]);
        }
    }

    /// <summary>Exponential backoff from <see cref="Interval"/>, capped at <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, Interval.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
}
