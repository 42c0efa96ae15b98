namespace OneGate.ProviderSandbox.Callbacks;

/// <summary>One delivery attempt: the HTTP status the callback URL answered, or why there was none.</summary>
public sealed record CallbackAttempt(int Number, DateTimeOffset At, int? StatusCode, string? Error, double DurationMs);
