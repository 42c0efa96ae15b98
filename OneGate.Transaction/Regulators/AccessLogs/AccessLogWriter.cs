using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.AccessLogs;

/// <summary>
/// Drains <see cref="AccessLogQueue"/> into <c>api_access_logs</c> in batches (one INSERT per batch, written when full
/// or <see cref="RegulatorOptions.AccessLogMaxDelay"/> after its first entry), and moves
/// each key's <c>last_used_at</c> forward. A failed batch is retried (it is kept, not dropped). On a graceful
/// shutdown the web server stops first (it is stopped before this service) and <see cref="StopAsync"/> then
/// writes whatever is still queued.
/// </summary>
public sealed class AccessLogWriter(
    AccessLogQueue queue, IServiceScopeFactory scopes, IOptions<RegulatorOptions> options, ILogger<AccessLogWriter> logger) : BackgroundService
{
    private readonly List<ApiAccessLog> batch = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await FillBatchAsync(stoppingToken);
                while (batch.Count > 0)
                {
                    try
                    {
                        await WriteAsync(CancellationToken.None);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning("Writing {Count} access log rows failed, retrying: {Reason}", batch.Count, ex.Message);
                        await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var written = 0;
        try
        {
            do
            {
                Fill();
                written += batch.Count;
                if (batch.Count > 0)
                {
                    await WriteAsync(cancellationToken);
                }
            }
            while (batch.Count == 0 && queue.Reader.TryPeek(out _));
        }
        catch (Exception ex)
        {
            logger.LogError("Shutdown: {Count} access log rows could not be written: {Reason}", batch.Count + queue.Reader.Count, ex.Message);
            return;
        }

        if (written > 0)
        {
            logger.LogInformation("Shutdown: flushed {Count} queued access log rows", written);
        }
    }

    /// <summary>Up to a full batch, waiting at most <see cref="RegulatorOptions.AccessLogMaxDelay"/> after its first entry.</summary>
    private async Task FillBatchAsync(CancellationToken stoppingToken)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        delay.CancelAfter(options.Value.AccessLogMaxDelay);
        Fill();
        try
        {
            while (batch.Count < options.Value.AccessLogBatchSize && await queue.Reader.WaitToReadAsync(delay.Token))
            {
                Fill();
            }
        }
        catch (OperationCanceledException) when (delay.IsCancellationRequested)
        {
            // time is up (or the host is stopping: the batch is written now and StopAsync drains the rest)
        }
    }

    private void Fill()
    {
        while (batch.Count < options.Value.AccessLogBatchSize && queue.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
        db.ApiAccessLogs.AddRange(batch);
        await db.SaveChangesAsync(cancellationToken);

        foreach (var used in batch.Where(e => e.ApiKeyId is not null && e.StatusCode < 400).GroupBy(e => e.ApiKeyId!.Value))
        {
            var last = used.Max(e => e.CreatedAt);
            await db.ApiKeys.Where(k => k.Id == used.Key && (k.LastUsedAt == null || k.LastUsedAt < last))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, last), cancellationToken);
        }

        batch.Clear();
    }
}
