namespace OneGate.Backoffice.Api;

/// <summary>An event Transaction's consumer could not handle, kept to be replayed; <see cref="Redacted"/>: a user event whose personal data was removed.</summary>
public sealed record DeadLetterView(long Id, string Topic, int Partition, long Offset, string? MessageKey, string? Payload, string? Error,
    DateTimeOffset CreatedAt, bool Redacted);
