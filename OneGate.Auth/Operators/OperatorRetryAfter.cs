namespace OneGate.Auth.Operators;

/// <summary>The Retry-After of operators' 503s (Argon2 busy, sessions not ended): a person retries, so seconds, not less.</summary>
internal static class OperatorRetryAfter
{
    public const string Seconds = "5";
}
