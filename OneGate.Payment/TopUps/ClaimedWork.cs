using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.TopUps;

/// <summary>
/// A background loop over rows that fall due: every <see cref="ReconciliationOptions.Interval"/> it claims what is
/// due (the subclass's one <c>UPDATE … FOR UPDATE SKIP LOCKED … RETURNING</c>, which moves the rows' due time past a
/// lease so no other replica takes them) and works on them a few at a time, each in its own scope.
/// </summary>
public abstract class ClaimedWork<TRow>(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider time, ILogger logger)
    : BackgroundService
{
    protected ReconciliationOptions Options => options.Value;

    protected TimeProvider Time => time;

    /// <summary>Claims the rows due at <paramref name="now"/>.</summary>
    protected abstract Task<List<TRow>> ClaimAsync(PaymentDbContext db, DateTimeOffset now, CancellationToken ct);

    /// <summary>Works on one claimed row; must reschedule or finish it.</summary>
    protected abstract Task WorkAsync(IServiceProvider services, TRow row, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("{Work} pass failed: {Reason}", GetType().Name, ex.Message);
            }
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        List<TRow> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await ClaimAsync(scope.ServiceProvider.GetRequiredService<PaymentDbContext>(), time.GetUtcNow(), ct);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (row, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await WorkAsync(scope.ServiceProvider, row, token);
            });
    }
}
