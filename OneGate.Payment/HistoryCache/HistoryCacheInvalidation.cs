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
/// this closes that window. The owners are those of the rows the ledger inserted in the transaction
/// (<see cref="PaymentDbContext.LedgerRowOwners"/>) and of the tracked <see cref="HistoricalTransaction"/> entities
/// it changed (every ledger write runs in an explicit transaction); an extra owner only costs an extra
/// invalidation. Never fails the commit: a Redis problem is logged (see <see cref="HistoryGeneration"/>).
/// The posting engine's batches record no owners here: the engine bumps them itself (<see cref="BumpAsync"/>) after
/// the commit and before answering, without holding its writer loop on Redis.
/// </summary>
public sealed class HistoryCacheInvalidation(IConnectionMultiplexer redis, ILogger<HistoryCacheInvalidation> logger) : DbTransactionInterceptor
{
    // Owners are recorded only inside a transaction, so emptying the set when one starts is enough: whatever a
    // rolled-back or abandoned transaction (or an earlier use of this pooled context) left is gone before use.
    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        (eventData.Context as PaymentDbContext)?.LedgerRowOwners.Clear();
        return ValueTask.FromResult(result);
    }

    /// <summary>New generations for these users, after their rows committed; never throws for Redis (logged).</summary>
    public Task BumpAsync(IEnumerable<int> owners) => HistoryGeneration.BumpAsync(redis, owners, logger);

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PaymentDbContext db)
        {
            var owners = db.ChangeTracker.Entries<HistoricalTransaction>().Select(e => e.Entity.UserId).Concat(db.LedgerRowOwners).ToList();
            await HistoryGeneration.BumpAsync(redis, owners, logger);
        }
    }
}
