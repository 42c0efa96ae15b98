using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace OneGate.Payment.HistoryCache;

/// <summary>
/// Read-your-writes for the Transaction service's history cache: right after a database transaction that
/// wrote or changed ledger rows commits — and so before the request that made it answers — the owners of
/// those rows get a new cache generation. Kafka events invalidate too, but they arrive after the response;
/// this closes that window. The rows are the tracked <see cref="HistoricalTransaction"/> entities (every
/// ledger write goes through EF and an explicit transaction); an extra tracked row only costs an extra
/// invalidation. Never fails the commit: a Redis problem is logged (see <see cref="HistoryGeneration"/>).
/// </summary>
public sealed class HistoryCacheInvalidation(IConnectionMultiplexer redis, ILogger<HistoryCacheInvalidation> logger) : DbTransactionInterceptor
{
    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PaymentDbContext db)
        {
            var owners = db.ChangeTracker.Entries<HistoricalTransaction>().Select(e => e.Entity.UserId).ToList();
            await HistoryGeneration.BumpAsync(redis, owners, logger);
        }
    }
}
