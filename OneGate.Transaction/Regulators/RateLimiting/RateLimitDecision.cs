namespace OneGate.Transaction.Regulators.RateLimiting;

/// <summary>
/// The outcome for one request, described by the most constrained window: the one that refused it, or else the
/// one with the fewest requests left (ties: the one that resets last).
/// </summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds)
{
    public void WriteHeaders(HttpResponse response)
    {
        response.Headers["RateLimit-Limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!Allowed)
        {
            response.Headers.RetryAfter = ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
