using System.ComponentModel.DataAnnotations;

namespace OneGate.Payment.Ledger;

/// <summary>How money requests are posted (section <c>Payment:Posting</c>).</summary>
public sealed class PostingOptions
{
    public const string Section = "Payment:Posting";

    /// <summary>
    /// True: through the <see cref="PostingEngine"/> (batches, one writer per replica). False: one database transaction
    /// per request, as before the engine, kept only to measure both in one benchmark report.
    /// </summary>
    public bool Batched { get; set; } = true;

    /// <summary>
    /// Writer loops per replica, each posting its own batches from the one queue on its own database session; when
    /// their batches overlap is <see cref="OverlapBelow"/>'s rule. They lock in the same global order as batches of
    /// other replicas, so they cannot deadlock; but one user's pipelined requests may commit out of arrival order (as
    /// across replicas).
    /// </summary>
    [Range(1, 8)]
    public int Writers { get; set; } = 2;

    /// <summary>
    /// A writer starts a batch while another writer's batch is in flight only if that one has at most this many
    /// requests: at low load the second writer spares a request the wait for the batch in flight; under load (larger
    /// batches) the requests gather for the next batch instead of being posted in smaller overlapping ones. 0: never.
    /// </summary>
    [Range(0, 500)]
    public int OverlapBelow { get; set; } = 4;

    /// <summary>
    /// A batch of one pay or transfer (low load) is posted with the single-request statements — conditional balance
    /// updates that lock, check and move in one statement each, single-row inserts, the COMMIT with them: two round
    /// trips like any batch when it posts, but less work for Postgres than the multi-row statements with one row (no
    /// separate lock read or key read: a key stored first fails the insert, and the request is answered from it).
    /// </summary>
    public bool SingleRequestShape { get; set; } = true;

    /// <summary>At most this many requests in one batch (one transaction; also bounds the statements' parameter count).</summary>
    [Range(1, 500)]
    public int MaxBatch { get; set; } = 200;

    /// <summary>A batch whose transaction failed is tried this many times in all before it is split.</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 2;

    /// <summary>
    /// At most this many requests wait for a batch per replica; beyond it a request is answered 503 with Retry-After
    /// at once (nothing written; the client retries with its Idempotency-Key).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxQueued { get; set; } = 5_000;

    /// <summary>
    /// A batch waits at most this long for a row lock (Postgres <c>lock_timeout</c>): a session stuck holding an account
    /// fails the batch (tried again, then answered 503 with Retry-After) instead of holding its requests indefinitely.
    /// Batches wait for each other on hot accounts, each holding its locks for one batch's round trips: keep it well above that.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The statement that bounds a batch transaction's lock waits by <see cref="LockTimeout"/> (its first).</summary>
    public string SetLockTimeoutSql() => $"SET LOCAL lock_timeout = {(long)LockTimeout.TotalMilliseconds}";
}
