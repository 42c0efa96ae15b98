using System.ComponentModel.DataAnnotations;

namespace OneGate.Transaction.Regulators;

/// <summary>Configuration section <c>Regulators</c>.</summary>
public sealed class RegulatorOptions
{
    public const string Section = "Regulators";

    /// <summary>
    /// Secret for the pseudonymous account ids (HMAC-SHA256). Set it in every deployment (all replicas the
    /// same value, never changed: a new value gives every account a new pseudonym). When missing, one is
    /// derived from the database connection string and a warning is logged.
    /// </summary>
    public string? PseudonymKey { get; set; }

    /// <summary>
    /// Access-log rows not yet committed (queued or being written), per replica. Each request takes a place before it
    /// is served; with none left (the database unusable for a long while) regulator requests are refused with 503.
    /// </summary>
    [Range(100, 1_000_000)]
    public int AccessLogCapacity { get; set; } = 10_000;

    /// <summary>Rows per access-log insert.</summary>
    [Range(1, 5_000)]
    public int AccessLogBatchSize { get; set; } = 500;

    /// <summary>
    /// Longest an access-log entry waits for its batch to fill: fewer, larger inserts under load. Entries still
    /// queued at a graceful shutdown are written before the process exits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AccessLogMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a key rotated through the back office keeps working beside its successor: time for the regulator to
    /// deploy the new key without an outage (a day, like the <c>keys rotate</c> default). Tests shorten it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan KeyRotationGrace { get; set; } = TimeSpan.FromHours(24);

    public DevelopmentSeedOptions DevelopmentSeed { get; set; } = new();
}
