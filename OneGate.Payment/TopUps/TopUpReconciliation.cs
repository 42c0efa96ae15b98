using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;

namespace OneGate.Payment.TopUps;

/// <summary>Section <c>Payment:Reconciliation</c>.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Payment:Reconciliation";

    /// <summary>How often PENDING top-ups are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A top-up PENDING longer than this is asked about at its provider.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PendingFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A top-up the provider never heard of is failed after this long (the charge never reached it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Asks the providers about top-ups that stayed PENDING (lost callbacks, timeouts, crashes) and settles them.
/// Safe on several replicas at once: settling claims the PENDING row under a lock.
/// </summary>
public sealed class TopUpReconciliation(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider time,
    ILogger<TopUpReconciliation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Reconciliation pass failed: {Reason}", ex.Message);
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
        var providers = scope.ServiceProvider.GetRequiredService<EWalletProviders>();
        var settlement = scope.ServiceProvider.GetRequiredService<TopUpSettlement>();
        var now = time.GetUtcNow();
        var cutoff = now - options.Value.PendingFor;
        var pending = await db.HistoricalTransactions.AsNoTracking()
            .Where(t => t.Type == TransactionType.Topup && t.Status == TransactionStatus.Pending && t.CreatedAt < cutoff)
            .OrderBy(t => t.CreatedAt).Take(100)
            .Select(t => new { t.TransactionId, t.PaymentMethod, t.Amount, t.CreatedAt, t.ExternalReference })
            .ToListAsync(ct);

        foreach (var topUp in pending)
        {
            try
            {
                var status = await providers.For(topUp.PaymentMethod!.Value).GetStatusAsync(topUp.TransactionId, topUp.ExternalReference, ct);
                if (status is not null)
                {
                    await settlement.ApplyAsync(topUp.TransactionId, status.Outcome, status.Amount, status.ProviderReference, status.FailureReason, ct);
                }
                else if (now - topUp.CreatedAt > options.Value.GiveUpAfter)
                {
                    await settlement.ApplyAsync(topUp.TransactionId, ProviderOutcome.Declined, topUp.Amount, "", "NOT_FOUND_AT_PROVIDER", ct);
                }
            }
            catch (ProviderUnavailableException ex)
            {
                logger.LogWarning("Reconciliation of {TransactionId} postponed: {Reason}", topUp.TransactionId, ex.Message);
            }
        }
    }
}
