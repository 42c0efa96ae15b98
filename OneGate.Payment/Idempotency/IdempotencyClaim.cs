namespace OneGate.Payment.Idempotency;

/// <summary>What the first look at an Idempotency-Key decided.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>This request owns the key and runs; <paramref name="ResumeTransactionId"/> is set when an earlier
    /// attempt with the key died after creating a transaction (a top-up awaiting its provider).</summary>
    public sealed record Proceed(int UserId, string Key, string? ResumeTransactionId) : IdempotencyClaim;

    public sealed record Replay(int Status, string ContentType, string Body) : IdempotencyClaim;

    public sealed record Rejected(IResult Problem) : IdempotencyClaim;
}
