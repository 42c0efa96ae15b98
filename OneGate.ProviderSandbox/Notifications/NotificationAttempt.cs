namespace OneGate.ProviderSandbox.Notifications;

/// <summary>One delivery attempt: the HTTP status and SNAP responseCode the notify URL answered, or why there was none.</summary>
public sealed record NotificationAttempt(int Number, DateTimeOffset At, int? StatusCode, string? ResponseCode, string? Error, double DurationMs);
