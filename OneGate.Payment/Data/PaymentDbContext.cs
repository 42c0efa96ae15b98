using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Payment.Data;

/// <summary>The Payment service's tables: schema <c>payment</c> of the shared <c>onegate</c> database.</summary>
public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    /// <summary>Migrations history table of this service alone.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_payment";

    /// <summary>The schema this service's migrator owns; the only one in this service's search path.</summary>
    public const string Schema = "payment";

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<HistoricalTransaction> HistoricalTransactions => Set<HistoricalTransaction>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    public DbSet<TopUpCharge> TopUpCharges => Set<TopUpCharge>();

    public DbSet<TopUpRefund> TopUpRefunds => Set<TopUpRefund>();

    /// <summary>Append-only: operators' actions, written by <see cref="AuditTrail"/> alone (docs/backoffice.md).</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

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
        npgsql.MapEnum<TransactionType>("transaction_type", Schema);
        npgsql.MapEnum<TransactionStatus>("transaction_status", Schema);
        npgsql.MapEnum<TransactionDirection>("transaction_direction", Schema);
        npgsql.MapEnum<PaymentMethod>("payment_method", Schema);
        npgsql.MapEnum<AccountStatus>("account_status", Schema);
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable, Schema);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfiguration(new AccountConfiguration());
        modelBuilder.ApplyConfiguration(new HistoricalTransactionConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new IdempotencyKeyConfiguration());
        modelBuilder.ApplyConfiguration(new TopUpChargeConfiguration());
        modelBuilder.ApplyConfiguration(new TopUpRefundConfiguration());
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
    }
}
