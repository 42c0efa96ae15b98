using System.ComponentModel.DataAnnotations;

namespace OneGate.Transaction.History;

/// <summary>Configuration section <c>Transactions:Cache</c>.</summary>
public sealed class HistoryCacheOptions
{
    public const string Section = "Transactions:Cache";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long an entry lives. Freshness does not depend on it (a write changes the user's generation); it
    /// bounds memory, and staleness in the one case where both invalidations fail to reach Redis.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for Redis before the request reads Postgres instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
