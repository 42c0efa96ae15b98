using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Payment.Data;

/// <summary>The Payment service's tables in the shared <c>onegate</c> database.</summary>
public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    /// <summary>Migrations history table of this service alone.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_payment";

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<HistoricalTransaction> HistoricalTransactions => Set<HistoricalTransaction>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    public DbSet<TopUpCharge> TopUpCharges => Set<TopUpCharge>();

    public DbSet<TopUpRefund> TopUpRefunds => Set<TopUpRefund>();

    /// <summary>
    /// Users whose ledger rows the current database transaction inserted without the change tracker (the ledger's
    /// batches); <see cref="HistoryCache.HistoryCacheInvalidation"/> reads them at commit and empties the set when a
    /// transaction starts, so nothing from an earlier transaction or use of this pooled context counts.
    /// </summary>
    public HashSet<int> LedgerRowOwners { get; } = [];

    /// <summary>
    /// Npgsql settings every registration of this context must apply (host and design-time factory):
    /// the PostgreSQL enums Payment owns (labels from <c>[PgName]</c>) and this service's own
    /// migrations history table, since three services share one database.
    /// </summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
        ArgumentNullException.ThrowIfNull(npgsql);
        npgsql.MapEnum<TransactionType>("transaction_type");
        npgsql.MapEnum<TransactionStatus>("transaction_status");
        npgsql.MapEnum<TransactionDirection>("transaction_direction");
        npgsql.MapEnum<PaymentMethod>("payment_method");
        npgsql.MapEnum<AccountStatus>("account_status");
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AccountConfiguration());
        modelBuilder.ApplyConfiguration(new HistoricalTransactionConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new IdempotencyKeyConfiguration());
        modelBuilder.ApplyConfiguration(new TopUpChargeConfiguration());
        modelBuilder.ApplyConfiguration(new TopUpRefundConfiguration());
    }
}
