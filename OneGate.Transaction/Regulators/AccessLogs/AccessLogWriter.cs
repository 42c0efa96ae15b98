using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OneGate.ServiceDefaults;
using OneGate.Transaction.Data;
using OneGate.Transaction.Events;

namespace OneGate.Transaction.Regulators.AccessLogs;

/// <summary>
/// Drains <see cref="AccessLogQueue"/> into <c>api_access_logs</c> in batches (written when full or
/// <see cref="RegulatorOptions.AccessLogMaxDelay"/> after its first entry). A batch is one transaction — a multi-row
/// INSERT that skips rows already present (each row carries the id it was queued with), and the keys'
/// <c>last_used_at</c> moved forward — built from plain values on every attempt, so an attempt that failed anywhere,
/// or whose commit was never acknowledged, is simply made again: nothing lost, nothing doubled. A failing batch is
/// retried with backoff for as long as it takes. On a graceful shutdown the web server stops first (it is stopped
/// before this service) and <see cref="StopAsync"/> then writes whatever is still queued.
/// </summary>
public sealed class AccessLogWriter(
    AccessLogQueue queue, IServiceScopeFactory scopes, IOptions<RegulatorOptions> options, ILogger<AccessLogWriter> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly List<ApiAccessLog> batch = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await FillBatchAsync(stoppingToken);
                await WriteUntilDoneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the batch stays: StopAsync writes it with the rest
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var written = 0;
        try
        {
            for (Fill(); batch.Count > 0; Fill())
            {
                written += batch.Count;
                await WriteUntilDoneAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogError("Shutdown timed out: {Count} access log rows could not be written", batch.Count + queue.Reader.Count);
            return;
        }

        if (written > 0)
        {
            logger.LogInformation("Shutdown: flushed {Count} queued access log rows", written);
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> in one transaction: rows whose id is already in the table are skipped, and each
    /// key's <c>last_used_at</c> moves forward to its latest successful (below 400) call. Making it again is harmless.
    /// Returns how many rows were new.
    /// </summary>
    public static async Task<int> WriteBatchAsync(TransactionDbContext db, IReadOnlyCollection<ApiAccessLog> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlRawAsync(InsertSql, Columns(rows), cancellationToken);
        await db.Database.ExecuteSqlRawAsync(TouchKeysSql, Columns(rows), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    // The key is joined rather than taken as is: a key deleted since the request leaves the row keyless (as the
    // foreign key's ON DELETE SET NULL would have), instead of failing the batch on every attempt.
    private const string InsertSql = """
        INSERT INTO api_access_logs (id, api_key_id, external_service_id, endpoint, method, ip_address, user_agent, status_code, response_time_ms, created_at)
        SELECT r.id, k.id, r.external_service_id, r.endpoint, r.method, r.ip_address, r.user_agent, r.status_code, r.response_time_ms, r.created_at
          FROM unnest(@id, @api_key_id, @external_service_id, @endpoint, @method, @ip_address, @user_agent, @status_code, @response_time_ms, @created_at)
               AS r(id, api_key_id, external_service_id, endpoint, method, ip_address, user_agent, status_code, response_time_ms, created_at)
          LEFT JOIN api_keys k ON k.id = r.api_key_id
        ON CONFLICT (id) DO NOTHING
        """;

    private const string TouchKeysSql = """
        UPDATE api_keys k SET last_used_at = u.last_used_at
          FROM (SELECT r.api_key_id, max(r.created_at) AS last_used_at
                  FROM unnest(@api_key_id, @status_code, @created_at) AS r(api_key_id, status_code, created_at)
                 WHERE r.status_code < 400
                 GROUP BY r.api_key_id) u
         WHERE k.id = u.api_key_id AND (k.last_used_at IS NULL OR k.last_used_at < u.last_used_at)
        """;

    /// <summary>One array parameter per column (fresh objects: a parameter belongs to one command).</summary>
    private static NpgsqlParameter[] Columns(IReadOnlyCollection<ApiAccessLog> rows) =>
    [
        Column("id", NpgsqlDbType.Uuid, rows.Select(r => r.Id)),
        Column("api_key_id", NpgsqlDbType.Uuid, rows.Select(r => r.ApiKeyId)),
        Column("external_service_id", NpgsqlDbType.Integer, rows.Select(r => r.ExternalServiceId)),
        Column("endpoint", NpgsqlDbType.Text, rows.Select(r => r.Endpoint)),
        Column("method", NpgsqlDbType.Text, rows.Select(r => r.Method)),
        Column("ip_address", NpgsqlDbType.Text, rows.Select(r => r.IpAddress)),
        Column("user_agent", NpgsqlDbType.Text, rows.Select(r => r.UserAgent)),
        Column("status_code", NpgsqlDbType.Integer, rows.Select(r => r.StatusCode)),
        Column("response_time_ms", NpgsqlDbType.Integer, rows.Select(r => r.ResponseTimeMs)),
        Column("created_at", NpgsqlDbType.TimestampTz, rows.Select(r => r.CreatedAt.ToUniversalTime())),
    ];

    private static NpgsqlParameter Column<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };

    /// <summary>Writes the batch, retrying with backoff (fresh scope and statements each time) until it is committed.</summary>
    private async Task WriteUntilDoneAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await WriteBatchAsync(scope.ServiceProvider.GetRequiredService<TransactionDbContext>(), batch, cancellationToken);
                break;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                backoff = Backoff.Next(backoff, FirstBackoff, MaxBackoff);
                LogFailure(ex, attempt, backoff);
                await Task.Delay(backoff, cancellationToken);
            }
        }

        if (backoff > TimeSpan.Zero)
        {
            logger.LogInformation("Access log rows written again after failures ({Count} rows)", batch.Count);
        }

        queue.Release(batch.Count);
        batch.Clear();
    }

    private void LogFailure(Exception ex, int attempt, TimeSpan backoff)
    {
        // Rows are built so that no request can make one unwritable (lengths, characters, a deleted key): a failure
        // that is not the database being unavailable is a fault of the schema or its permissions, for an operator.
        var level = TransientFailure.Is(ex) ? LogLevel.Warning : LogLevel.Error;
        logger.Log(level, "Writing {Count} access log rows failed (attempt {Attempt}), retrying in {Backoff} ms: {Reason}",
            batch.Count, attempt, (int)backoff.TotalMilliseconds, ex.GetBaseException().Message);
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
            // time is up (or the host is stopping: StopAsync writes the batch with the rest)
        }
    }

    private void Fill()
    {
        while (batch.Count < options.Value.AccessLogBatchSize && queue.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }
    }
}
