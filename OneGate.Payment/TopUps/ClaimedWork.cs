using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.TopUps;

/// <summary>
/// A background loop over rows that fall due: every <see cref="ReconciliationOptions.Interval"/> it claims as many due
/// rows as it works on at once (the subclass's one <c>UPDATE … FOR UPDATE SKIP LOCKED … RETURNING</c>, which moves
/// their due time past a lease so no other replica takes them), works on them in parallel, each in its own scope, and
/// claims again while it finds a full batch. Claiming no more than it works on keeps each row's work well inside its
/// lease. One row's failure is logged and leaves the others alone; that row falls due again when its lease ends.
/// </summary>
public abstract class ClaimedWork<TRow>(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider time, ILogger logger)
    : BackgroundService
{
    protected ReconciliationOptions Options => options.Value;

    protected TimeProvider Time => time;

    /// <summary>Claims at most <paramref name="count"/> rows due at <paramref name="now"/>.</summary>
    protected abstract Task<List<TRow>> ClaimAsync(PaymentDbContext db, DateTimeOffset now, int count, CancellationToken ct);

    /// <summary>Works on one claimed row; must reschedule or finish it.</summary>
    protected abstract Task WorkAsync(IServiceProvider services, TRow row, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await PassAsync(stoppingToken) == options.Value.Parallelism)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("{Work} pass failed: {Reason}", GetType().Name, ex.Message);
            }
        }
    }

    /// <summary>One batch; returns how many rows it claimed.</summary>
    private async Task<int> PassAsync(CancellationToken ct)
    {
        List<TRow> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await ClaimAsync(scope.ServiceProvider.GetRequiredService<PaymentDbContext>(), time.GetUtcNow(), options.Value.Parallelism, ct);
        }

        await Task.WhenAll(due.Select(row => WorkSafelyAsync(row, ct)));
        return due.Count;
    }

    private async Task WorkSafelyAsync(TRow row, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await WorkAsync(scope.ServiceProvider, row, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "{Work}: {Row} failed; it is tried again when its lease ends", GetType().Name, row);
        }
    }
}
