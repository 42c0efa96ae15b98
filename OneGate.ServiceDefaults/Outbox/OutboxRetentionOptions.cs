using System.ComponentModel.DataAnnotations;

namespace OneGate.ServiceDefaults.Outbox;

/// <summary>Configuration section <c>Outbox</c>: how long published outbox rows are kept (<see cref="OutboxPruning"/>).</summary>
public sealed class OutboxRetentionOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How long a published message stays after Kafka acknowledged it: long enough to answer "was this event sent,
    /// when, after how many attempts" for an incident found days later. Unpublished messages are never pruned.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the relay leader starts a pruning pass.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows one pruning statement looks at, at most: each delete is short and locks only the rows it deletes.</summary>
    [Range(10, 10_000)]
    public int PruneBatchSize { get; set; } = 1_000;
}
