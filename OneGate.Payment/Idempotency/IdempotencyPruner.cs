using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;

namespace OneGate.Payment.Idempotency;

/// <summary>Deletes idempotency records older than their 24 h retention, hourly, in small batches.</summary>
public sealed class IdempotencyPruner(IServiceScopeFactory scopes, ILogger<IdempotencyPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
                int deleted;
                do
                {
                    deleted = await db.Database.ExecuteSqlRawAsync(
                        "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 5000)", stoppingToken);
                }
                while (deleted == 5000);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Idempotency pruning failed: {Reason}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
