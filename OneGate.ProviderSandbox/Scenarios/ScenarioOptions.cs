using System.ComponentModel.DataAnnotations;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// <c>Sandbox:Scenarios</c>: which amounts trigger which outcome, and how long the scripted delays last.
/// Any other amount succeeds at once.
/// </summary>
public sealed class ScenarioOptions : IValidatableObject
{
    public const string SectionName = "Sandbox:Scenarios";

    public decimal DeclineAmount { get; set; } = 13000.00m;

    public decimal TimeoutAmount { get; set; } = 14000.00m;

    public decimal PendingThenSucceedAmount { get; set; } = 15000.00m;

    public decimal PendingSilentAmount { get; set; } = 16000.00m;

    public decimal PendingThenFailAmount { get; set; } = 17000.00m;

    public decimal NotifyLostAmount { get; set; } = 18000.00m;

    public decimal LateSuccessAmount { get; set; } = 19000.00m;

    /// <summary>How long a <see cref="ScenarioOutcome.Timeout"/> charge stays unanswered after it arrived (longer than any client timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pending → resolved → notification, for the outcomes that notify (and <see cref="ScenarioOutcome.NotifyLost"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CallbackDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Pending → settled without notification, for the silent and timeout outcomes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a <see cref="ScenarioOutcome.LateSuccess"/> charge stays pending before it settles and notifies.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LateSuccessDelay { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        decimal[] amounts = [DeclineAmount, TimeoutAmount, PendingThenSucceedAmount, PendingSilentAmount, PendingThenFailAmount, NotifyLostAmount, LateSuccessAmount];
        if (amounts.Any(a => a <= 0))
        {
            yield return new ValidationResult("Scenario amounts must be positive.");
        }

        if (amounts.Distinct().Count() != amounts.Length)
        {
            yield return new ValidationResult("Scenario amounts must be distinct.");
        }
    }
}
