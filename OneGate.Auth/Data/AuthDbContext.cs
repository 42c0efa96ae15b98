using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Auth.Data;

/// <summary>The Auth service's tables: schema <c>auth</c> of the shared <c>onegate</c> database.</summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options)
{
    /// <summary>Migrations history table of this service alone.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_auth";

    /// <summary>The schema this service's migrator owns; the only one in this service's search path.</summary>
    public const string Schema = "auth";

    public DbSet<User> Users => Set<User>();

    public DbSet<Authentication> Authentications => Set<Authentication>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>Append-only: written by <see cref="AuditTrail"/> alone.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Operator> Operators => Set<Operator>();

    /// <summary>
    /// Npgsql settings every registration of this context must apply (host and design-time factory).
    /// Three services share one database, so each keeps its own migrations history table, in its own schema.
    /// </summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
        ArgumentNullException.ThrowIfNull(npgsql);
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable, Schema);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfiguration(new UserConfiguration());
        modelBuilder.ApplyConfiguration(new AuthenticationConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        modelBuilder.ApplyConfiguration(new OperatorConfiguration());
    }
}
