using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Transaction.Data;

/// <summary>
/// Maps the read-only <see cref="HistoricalTransaction"/> onto Payment's <c>payment.historical_transactions</c>.
/// Excluded from this context's migrations: Payment creates and evolves the table (its indexes and
/// checks are declared there), so only columns are mapped here.
/// </summary>
internal sealed class HistoricalTransactionConfiguration : IEntityTypeConfiguration<HistoricalTransaction>
{
    public void Configure(EntityTypeBuilder<HistoricalTransaction> builder)
    {
        builder.ToTable("historical_transactions", TransactionDbContext.LedgerSchema, t => t.ExcludeFromMigrations());

        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(h => h.TransactionId).HasColumnName("transaction_id").HasMaxLength(50);
        builder.Property(h => h.AccountId).HasColumnName("account_id");
        builder.Property(h => h.UserId).HasColumnName("user_id");
        builder.Property(h => h.Type).HasColumnName("type");
        builder.Property(h => h.Status).HasColumnName("status");
        builder.Property(h => h.Direction).HasColumnName("direction");
        builder.Property(h => h.Amount).HasColumnName("amount").HasColumnType("numeric(15,2)");
        builder.Property(h => h.BalanceBefore).HasColumnName("balance_before").HasColumnType("numeric(15,2)");
        builder.Property(h => h.BalanceAfter).HasColumnName("balance_after").HasColumnType("numeric(15,2)");
        builder.Property(h => h.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        builder.Property(h => h.Description).HasColumnName("description").HasMaxLength(255);
        builder.Property(h => h.PaymentMethod).HasColumnName("payment_method");
        builder.Property(h => h.ExternalReference).HasColumnName("external_reference").HasMaxLength(100);
        builder.Property(h => h.Merchant).HasColumnName("merchant").HasMaxLength(100);
        builder.Property(h => h.RelatedTransactionId).HasColumnName("related_transaction_id").HasMaxLength(50);
        builder.Property(h => h.TransferReference).HasColumnName("transfer_reference").HasMaxLength(50);
        builder.Property(h => h.Metadata).HasColumnName("metadata").HasColumnType("jsonb");
        builder.Property(h => h.IsAccessibleExternal).HasColumnName("is_accessible_external");
        builder.Property(h => h.CreatedAt).HasColumnName("created_at");
        builder.Property(h => h.UpdatedAt).HasColumnName("updated_at");
    }
}
