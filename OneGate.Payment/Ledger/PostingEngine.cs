using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.HistoryCache;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The posting engine: money requests (pay, transfer, refund) and top-up settlements queue here and one writer loop per
/// replica posts them in batches, one database transaction per batch (<see cref="PostingBatch"/>; the settlements a
/// writer took go in a transaction of their own, <see cref="SettlementBatch"/>). While a batch is in flight the next
/// one gathers, so at low load a batch is one request and no timer adds latency; under load a hot account's row
/// lock is taken once per batch instead of once per request. A batch whose transaction fails is tried again, then
/// split in halves, so one request's failure reaches only that request; a retried batch finds the keys of what
/// committed and answers those from their stored answers. A batch that waited too long for a row lock, or requests
/// still queued when the replica stops, fail with a <see cref="TimeoutException"/> (503 with Retry-After: retry with
/// the same key); the batch in flight when the replica stops is finished, not cut off (a cut-off commit could not
/// say whether it had committed). A committed batch's requests are answered once their owners' history cache was
/// invalidated (read-your-writes), while the writer loop goes on with the next batch.
/// </summary>
/// <param name="invalidation">Null where there is no history cache (a replica in tests).</param>
public sealed class PostingEngine(IServiceScopeFactory scopes, IOptions<PostingOptions> options, OutboxSignal outbox, ILogger<PostingEngine> logger,
    HistoryCacheInvalidation? invalidation = null)
    : BackgroundService
{
    // Bounded: under overload a request is refused at once (503, retry with the same key) instead of waiting in an
    // ever longer line that holds its request scope and outlives its client.
    private readonly Channel<QueuedPosting> queue = Channel.CreateBounded<QueuedPosting>(
        new BoundedChannelOptions(options.Value.MaxQueued) { SingleReader = options.Value.Writers == 1, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock flight = new();
    private int largeBatches;
    private TaskCompletionSource? largeBatchesDone;

    /// <param name="answer">The row to store under the request's key for an outcome (called on the writer, maybe more than once).</param>
    /// <param name="ct">The caller's: cancelled before its batch starts, the request is dropped with nothing written.</param>
    public Task<PostingAnswer> PostAsync(PostingRequest request, string idempotencyKey, Func<PostingOutcome, IdempotencyKey> answer,
        CancellationToken ct = default)
    {
        var queued = new QueuedPosting(request, idempotencyKey, answer, Activity.Current, ct);
        if (!queue.Writer.TryWrite(queued))
        {
            // Full or stopping: either way a temporary condition the client retries with its key (503 + Retry-After).
            throw new TimeoutException("The posting queue is full or the engine is stopping.");
        }

        return queued.Done.Task;
    }

    /// <summary>
    /// Queues a word on a top-up of <paramref name="userId"/> (its owner); answers, once its batch committed, with the
    /// top-up row as the word left it, or null when it changed nothing. Fails like a money request: a
    /// <see cref="TimeoutException"/> when the queue is full, the engine stopping or a row lock held too long.
    /// </summary>
    public async Task<HistoricalTransaction?> SettleAsync(int userId, TopUpWord word, CancellationToken ct = default) =>
        ((PostingAnswer.Settled)await PostAsync(new PostingRequest.Settle(userId, word), word.TransactionId, NoStoredAnswer, ct)).Changed;

    private static IdempotencyKey NoStoredAnswer(PostingOutcome outcome) => throw new InvalidOperationException("A top-up settlement stores no answer.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Value.Writers).Select(_ => WriteAsync(stoppingToken)));
        }
        finally
        {
            queue.Writer.TryComplete();
            Fail(Drain());
        }
    }

    /// <summary>
    /// One writer loop: takes everything waiting (up to MaxBatch) and posts it, batch after batch. It starts no batch
    /// while another writer's large batch is in flight: that means load, and the requests are better posted together
    /// in the next batch than in smaller overlapping ones (more statements and round trips per request).
    /// </summary>
    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<QueuedPosting>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (TakeBatch(batch, out var large) is { } inFlight)
                {
                    await inFlight.WaitAsync(stoppingToken);
                    continue;
                }

                if (batch.Count > 0)
                {
                    batch.ForEach(taken => PostingMetrics.Waited(Stopwatch.GetElapsedTime(taken.QueuedAt)));
                    try
                    {
                        // Not stoppingToken: the batch in flight is finished (its lock waits are bounded by lock_timeout).
                        await PostKindsAsync(batch, CancellationToken.None);
                    }
                    finally
                    {
                        Landed(large);
                    }
                }

                batch.Clear();
            }
        }
        finally
        {
            Fail(batch);
        }
    }

    /// <summary>
    /// Takes everything waiting (up to MaxBatch) into <paramref name="batch"/> and registers it if large, unless a large
    /// batch is in flight (then its completion is returned and nothing is taken). One step under the lock: both writers
    /// wake when requests reach an idle engine, and checking apart from registering let both start large batches.
    /// </summary>
    /// <param name="large">Whether the batch taken was registered as large (hand it to <see cref="Landed"/>).</param>
    private Task? TakeBatch(List<QueuedPosting> batch, out bool large)
    {
        lock (flight)
        {
            large = false;
            if (largeBatchesDone is { } inFlight)
            {
                return inFlight.Task;
            }

            while (batch.Count < options.Value.MaxBatch && queue.Reader.TryRead(out var next))
            {
                if (next.Cancellation.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.Cancellation); // its continuation runs elsewhere (RunContinuationsAsynchronously)
                    continue;
                }

                batch.Add(next);
            }

            large = batch.Count > options.Value.OverlapBelow;
            if (large)
            {
                largeBatches++;
                largeBatchesDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return null;
        }
    }

    /// <summary>A batch taken by <see cref="TakeBatch"/> is finished: the last large one lets the waiting writers go.</summary>
    private void Landed(bool large)
    {
        if (!large)
        {
            return;
        }

        lock (flight)
        {
            if (--largeBatches == 0)
            {
                largeBatchesDone?.TrySetResult();
                largeBatchesDone = null;
            }
        }
    }

    private static void Fail(IEnumerable<QueuedPosting> left)
    {
        var stopped = new TimeoutException("The posting engine stopped before posting this request; retry it with the same key.");
        foreach (var queued in left)
        {
            queued.Done.TrySetException(stopped);
        }
    }

    private IEnumerable<QueuedPosting> Drain()
    {
        while (queue.Reader.TryRead(out var left))
        {
            yield return left;
        }
    }

    /// <summary>
    /// Answers a committed batch's requests after a new history cache generation for the users it wrote to (one Redis
    /// round trip, at most a second: <see cref="ServiceDefaults.Caching.HistoryGeneration"/>); the writer does not wait for it.
    /// </summary>
    private async Task AnswerAsync(List<(QueuedPosting Queued, PostingAnswer Answer)> posted)
    {
        try
        {
            if (invalidation is not null)
            {
                await invalidation.BumpAsync(posted.SelectMany(p => Wrote(p.Queued, p.Answer)));
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "History cache not invalidated after a batch of {Count} money requests", posted.Count);
        }
        finally
        {
            foreach (var (queued, answer) in posted)
            {
                if (answer is PostingAnswer.Answered { Outcome: PostingOutcome.Posted { Row: var row } })
                {
                    LedgerMetrics.Committed(row);
                }

                queued.Done.TrySetResult(answer);
            }
        }
    }

    /// <summary>The users whose history a committed request changed.</summary>
    private static IEnumerable<int> Wrote(QueuedPosting queued, PostingAnswer answer) => answer switch
    {
        PostingAnswer.Answered { Outcome: PostingOutcome.Posted } => queued.Request.Accounts(),
        PostingAnswer.Settled { Changed: not null } => [queued.Request.UserId],
        _ => [],
    };

    /// <summary>The money requests a writer took, then its top-up settlements, each kind in transactions of its own.</summary>
    private async Task PostKindsAsync(List<QueuedPosting> batch, CancellationToken ct)
    {
        var settlements = batch.FindAll(q => q.Request is PostingRequest.Settle);
        if (settlements.Count < batch.Count)
        {
            await PostAsync(settlements.Count == 0 ? batch : batch.FindAll(q => q.Request is not PostingRequest.Settle), ct);
        }

        if (settlements.Count > 0)
        {
            await PostAsync(settlements, ct);
        }
    }

    /// <summary>One attempt at a batch of one kind (halves of it stay of that kind).</summary>
    private static Task<List<(QueuedPosting Queued, PostingAnswer Answer)>> PostOnceAsync(IServiceProvider services, List<QueuedPosting> batch,
        CancellationToken ct) =>
        batch[0].Request is PostingRequest.Settle
            ? services.GetRequiredService<SettlementBatch>().PostAsync(batch, ct)
            : services.GetRequiredService<PostingBatch>().PostAsync(batch, ct);

    /// <summary>Posts a batch, trying again and then in halves on failure; every request ends answered or failed, never half-applied.</summary>
    private async Task PostAsync(List<QueuedPosting> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            List<(QueuedPosting Queued, PostingAnswer Answer)> posted;
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                posted = await PostOnceAsync(scope.ServiceProvider, batch, ct);
            }
            catch (Exception caught) when (!ct.IsCancellationRequested)
            {
                var ex = caught is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable }
                    ? new TimeoutException("A batch waited longer than the lock timeout for an account's row lock.", caught)
                    : caught;
                if (attempt < options.Value.Attempts)
                {
                    logger.LogWarning(ex, "A batch of {Count} money requests did not commit; trying it again", batch.Count);
                    continue;
                }

                // The database being unreachable, or a row lock held too long, says nothing about any one request:
                // splitting would only retry every request alone against a dead server or the same held row, each
                // waiting its own lock timeout. Fail the batch fast (503: retry with the same key).
                if (batch.Count == 1 || ProblemDetailsDefaults.IsDependencyUnavailable(ex))
                {
                    foreach (var queued in batch)
                    {
                        queued.Done.TrySetException(ex);
                    }

                    return;
                }

                logger.LogWarning(ex, "A batch of {Count} money requests did not commit; posting it in halves", batch.Count);
                var half = batch.Count / 2;
                await PostAsync(batch[..half], ct);
                await PostAsync(batch[half..], ct);
                return;
            }

            // Committed: outside the retry, so nothing here can make the batch look failed and post it again.
            PostingMetrics.Batch(batch.Count, Stopwatch.GetElapsedTime(started), batch[0].Request is PostingRequest.Settle);
            outbox.Notify();
            _ = AnswerAsync(posted);
            return;
        }
    }
}
