using System.ComponentModel.DataAnnotations;

namespace OneGate.ProviderSandbox.Notifications;

/// <summary><c>Sandbox:Callbacks</c>: how hard the sandbox tries to deliver a notification (service 56).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Sandbox:Callbacks";

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failed attempt; doubled after each further one (1 s, 2 s, 4 s, 8 s by default).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
