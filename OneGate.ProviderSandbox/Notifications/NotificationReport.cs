namespace OneGate.ProviderSandbox.Notifications;

/// <summary>A charge's notification state and every attempt so far.</summary>
public sealed record NotificationReport(NotificationState State, IReadOnlyList<NotificationAttempt> Attempts);
