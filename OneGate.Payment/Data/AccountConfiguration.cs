using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Payment.Data;

/// <summary>Maps <see cref="Account"/> to <c>accounts</c>.</summary>
internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public const string UserIdUniqueIndex = "ux_accounts_user_id";
    public const string BalanceNonNegativeCheck = "ck_accounts_balance_non_negative";

    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.ToTable("accounts", t =>
        {
            t.HasCheckConstraint(BalanceNonNegativeCheck, "balance >= 0");
            t.HasCheckConstraint("ck_accounts_pending_top_ups_non_negative", "pending_top_ups >= 0");
        });

        builder.HasKey(a => a.Id).HasName("pk_accounts");
        builder.Property(a => a.Id).HasColumnName("id").HasDefaultValueSql("gen_random_uuid()");

        // No foreign key to users: that table belongs to Auth, and a cross-service FK would force
        // Auth's migration to run before Payment's (and couple their deployments). The user id
        // comes from a signed access token, so it is trusted as is.
        builder.Property(a => a.UserId).HasColumnName("user_id");
        builder.HasIndex(a => a.UserId).IsUnique().HasDatabaseName(UserIdUniqueIndex);

        // Defaults serve raw SQL inserts; EF always sends the entity's (initialised) values.
        builder.Property(a => a.Balance).HasColumnName("balance").HasColumnType("numeric(15,2)")
            .HasDefaultValue(0m).ValueGeneratedNever();
        builder.Property(a => a.PendingTopUps).HasColumnName("pending_top_ups").HasColumnType("numeric(15,2)")
            .HasDefaultValue(0m).ValueGeneratedNever();
        builder.Property(a => a.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength()
            .HasDefaultValue("IDR").ValueGeneratedNever();
        builder.Property(a => a.Status).HasColumnName("status")
            .HasDefaultValue(AccountStatus.Active).ValueGeneratedNever();

        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(a => a.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");
        builder.Property(a => a.LedgerSequence).HasColumnName("ledger_sequence").HasDefaultValue(0L);

        builder.Property(a => a.Version).IsRowVersion();
    }
}
