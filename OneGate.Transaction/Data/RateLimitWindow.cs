namespace OneGate.Transaction.Data;

/// <summary>
/// One rate-limit window of an API key, an element of the <c>api_keys.rate_limits</c> JSON array,
/// e.g. <c>{"unit":"MINUTE","limit":100}</c>.
/// </summary>
public sealed class RateLimitWindow
{
    public RateLimitUnit Unit { get; set; }

    /// <summary>Requests allowed per <see cref="Unit"/>.</summary>
    public int Limit { get; set; }
}
