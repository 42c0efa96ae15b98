using System.ComponentModel.DataAnnotations;

namespace OneGate.Transaction.Events;

/// <summary>Configuration section <c>DeadLetters</c>: how long a dead-lettered user event keeps its personal data.</summary>
public sealed class DeadLetterOptions
{
    public const string Section = "DeadLetters";

    /// <summary>
    /// How long a dead-lettered user event keeps its username and phone when nothing has superseded it: time to be
    /// alerted, find the cause, ship a fix and replay. Afterwards the user's state comes from Auth's stream again.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan PersonalDataRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often dead letters are checked for personal data to remove.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RedactionInterval { get; set; } = TimeSpan.FromMinutes(5);
}
