using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OneGate.ServiceDefaults.Audit;

namespace OneGate.Transaction.Data;

/// <summary>
/// The Transaction service's tables (schema <c>transaction</c> of the shared <c>onegate</c> database), plus a read-only
/// mapping of Payment's <c>payment.historical_transactions</c>.
/// </summary>
public sealed class TransactionDbContext(DbContextOptions<TransactionDbContext> options) : DbContext(options)
{
    /// <summary>Migrations history table of this service alone.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_transaction";

    /// <summary>The schema this service's migrator owns; the only one in this service's search path.</summary>
    public const string Schema = "transaction";

    /// <summary>
    /// Payment's schema: its ledger and enums, read here by schema-qualified name (the schema is in no search path
    /// of this service, so nothing in it can shadow what this service's own SQL means).
    /// </summary>
    public const string LedgerSchema = "payment";

    /// <summary>This service's sessions in <c>pg_stat_activity</c> (the database is shared by three services).</summary>
    public const string ApplicationName = "onegate-transaction";

    public DbSet<ExternalService> ExternalServices => Set<ExternalService>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<ApiAccessLog> ApiAccessLogs => Set<ApiAccessLog>();

    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    public DbSet<ReportTransaction> ReportTransactions => Set<ReportTransaction>();

    public DbSet<DailyReportTotal> DailyReportTotals => Set<DailyReportTotal>();

    public DbSet<DeadLetterEvent> DeadLetterEvents => Set<DeadLetterEvent>();

    public DbSet<MaskedUser> MaskedUsers => Set<MaskedUser>();

    /// <summary>Transaction's audit chain (operators' and the <c>keys</c> command's actions): append with <c>AuditTrail</c> only.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <summary>Payment's ledger, read-only here: query it with <c>AsNoTracking()</c>.</summary>
    public IQueryable<HistoricalTransaction> HistoricalTransactions => Set<HistoricalTransaction>().AsNoTracking();

    /// <summary>
    /// Npgsql settings every registration of this context must apply (host and design-time factory):
    /// this service's PostgreSQL enums, Payment's enums that its ledger columns use (mapped for
    /// reading; Payment creates them), and this service's own migrations history table, since three
    /// services share one database.
    /// </summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
        ArgumentNullException.ThrowIfNull(npgsql);
        npgsql.MapEnum<ApiPermission>("api_permission", Schema);
        npgsql.MapEnum<RateLimitUnit>("rate_limit_unit", Schema);
        npgsql.MapEnum<TransactionType>("transaction_type", LedgerSchema);
        npgsql.MapEnum<TransactionStatus>("transaction_status", LedgerSchema);
        npgsql.MapEnum<TransactionDirection>("transaction_direction", LedgerSchema);
        npgsql.MapEnum<PaymentMethod>("payment_method", LedgerSchema);
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable, Schema);
    }

    /// <summary>
    /// A context for a command run of the binary (<c>keys</c>, <c>dead-letters</c>, <c>audit verify</c>), its search path pinned
    /// to this service's schema as the service's own is: whatever login runs it, unqualified names mean this service's tables.
    /// </summary>
    public static TransactionDbContext ForCommand(string connectionString) =>
        new(new DbContextOptionsBuilder<TransactionDbContext>()
            .UseNpgsql(OneGate.ServiceDefaults.Data.SearchPath.Pin(WithApplicationName(connectionString), Schema)!, ConfigureNpgsql).Options);

    /// <summary>The connection string with <see cref="ApplicationName"/>, unless it already names an application.</summary>
    public static string? WithApplicationName(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName ??= ApplicationName;
        return builder.ConnectionString;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        EnsureLedgerUntouched();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnsureLedgerUntouched();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfiguration(new ExternalServiceConfiguration());
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration());
        modelBuilder.ApplyConfiguration(new ApiAccessLogConfiguration());
        modelBuilder.ApplyConfiguration(new HistoricalTransactionConfiguration());
        ReadModelConfiguration.Apply(modelBuilder);
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
    }

    // Payment is the only writer of its ledger; a write from here would bypass its balance rules.
    private void EnsureLedgerUntouched()
    {
        if (ChangeTracker.Entries<HistoricalTransaction>().Any(e => e.State is not EntityState.Unchanged and not EntityState.Detached))
        {
            throw new InvalidOperationException("historical_transactions is owned by the Payment service and is read-only here.");
        }
    }
}
