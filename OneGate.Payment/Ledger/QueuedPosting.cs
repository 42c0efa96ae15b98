using System.Diagnostics;
using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// A request waiting in the <see cref="PostingEngine"/>'s queue, with its caller's trace (its events carry it on) and
/// the caller's cancellation: a request whose client has gone before its batch starts is dropped, nothing written.
/// </summary>
public sealed record QueuedPosting(PostingRequest Request, string IdempotencyKey, Func<PostingOutcome, IdempotencyKey> Answer, Activity? Trace,
    CancellationToken Cancellation = default)
{
    public TaskCompletionSource<PostingAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When it was queued (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long QueuedAt { get; } = Stopwatch.GetTimestamp();
}
