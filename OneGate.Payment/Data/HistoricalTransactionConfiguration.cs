using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Payment.Data;

/// <summary>Maps <see cref="HistoricalTransaction"/> to <c>historical_transactions</c> (the ledger).</summary>
internal sealed class HistoricalTransactionConfiguration : IEntityTypeConfiguration<HistoricalTransaction>
{
    public const string TransactionIdUniqueIndex = "ux_historical_transactions_transaction_id";
    public const string TransferReferenceDirectionUniqueIndex = "ux_historical_transactions_transfer_reference_direction";

    public void Configure(EntityTypeBuilder<HistoricalTransaction> builder)
    {
        builder.ToTable("historical_transactions", t =>
        {
            t.HasCheckConstraint("ck_historical_transactions_amount_positive", "amount > 0");
            t.HasCheckConstraint("ck_historical_transactions_balance_before_non_negative", "balance_before >= 0");
            t.HasCheckConstraint("ck_historical_transactions_balance_after_non_negative", "balance_after >= 0");
            // The ledger adds up: only a SUCCESS row moves the balance, by exactly its amount
            // (a PENDING or FAILED top-up has balance_before = balance_after).
            t.HasCheckConstraint(
                "ck_historical_transactions_balance_arithmetic",
                "(status = 'SUCCESS' AND direction = 'CREDIT' AND balance_after = balance_before + amount)"
                + " OR (status = 'SUCCESS' AND direction = 'DEBIT' AND balance_after = balance_before - amount)"
                + " OR (status <> 'SUCCESS' AND balance_after = balance_before)");
            // Top-ups and refunds credit, payments debit; a transfer row is either side.
            t.HasCheckConstraint(
                "ck_historical_transactions_type_direction",
                "type = 'TRANSFER' OR (type IN ('TOPUP', 'REFUND') AND direction = 'CREDIT')"
                + " OR (type = 'PAYMENT' AND direction = 'DEBIT')");
            t.HasCheckConstraint(
                "ck_historical_transactions_transfer_has_reference",
                "type <> 'TRANSFER' OR transfer_reference IS NOT NULL");
            t.HasCheckConstraint(
                "ck_historical_transactions_refund_has_payment",
                "type <> 'REFUND' OR related_transaction_id IS NOT NULL");
        });

        builder.HasKey(h => h.Id).HasName("pk_historical_transactions");
        builder.Property(h => h.Id).HasColumnName("id").UseIdentityAlwaysColumn();

        builder.Property(h => h.TransactionId).HasColumnName("transaction_id").HasMaxLength(50).IsRequired();
        builder.HasIndex(h => h.TransactionId).IsUnique().HasDatabaseName(TransactionIdUniqueIndex);
        builder.Property(h => h.LedgerSequence).HasColumnName("ledger_sequence");
        // One movement number per account: a second row claiming the same movement is impossible. Not partial (NULLs
        // are distinct, so PENDING rows without a number do not collide), so it is also the account_id foreign key's
        // index: deleting an account (the posting engine closes again one it opened for a refused request) looks here.
        builder.HasIndex(h => new { h.AccountId, h.LedgerSequence }).IsUnique()
            .HasDatabaseName("ux_historical_transactions_account_ledger_sequence");

        builder.Property(h => h.AccountId).HasColumnName("account_id");
        // Ledger rows are kept for good, so an account with history cannot be deleted.
        builder.HasOne(h => h.Account)
            .WithMany()
            .HasForeignKey(h => h.AccountId)
            .HasConstraintName("fk_historical_transactions_accounts_account_id")
            .OnDelete(DeleteBehavior.Restrict);

        // No foreign key to users (Auth's table): see AccountConfiguration.
        builder.Property(h => h.UserId).HasColumnName("user_id");

        builder.Property(h => h.Type).HasColumnName("type");
        builder.Property(h => h.Status).HasColumnName("status");
        builder.Property(h => h.Direction).HasColumnName("direction");
        builder.Property(h => h.Amount).HasColumnName("amount").HasColumnType("numeric(15,2)");
        builder.Property(h => h.BalanceBefore).HasColumnName("balance_before").HasColumnType("numeric(15,2)");
        builder.Property(h => h.BalanceAfter).HasColumnName("balance_after").HasColumnType("numeric(15,2)");
        builder.Property(h => h.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength()
            .HasDefaultValue("IDR").ValueGeneratedNever();
        builder.Property(h => h.Description).HasColumnName("description").HasMaxLength(255);
        builder.Property(h => h.PaymentMethod).HasColumnName("payment_method");
        builder.Property(h => h.ExternalReference).HasColumnName("external_reference").HasMaxLength(100);
        builder.Property(h => h.Merchant).HasColumnName("merchant").HasMaxLength(100);
        // No self-FK: the two rows of a transfer point at each other, which would need a
        // deferrable constraint that EF cannot model.
        builder.Property(h => h.RelatedTransactionId).HasColumnName("related_transaction_id").HasMaxLength(50);
        builder.Property(h => h.TransferReference).HasColumnName("transfer_reference").HasMaxLength(50);
        builder.Property(h => h.Metadata).HasColumnName("metadata").HasColumnType("jsonb");
        builder.Property(h => h.IsAccessibleExternal).HasColumnName("is_accessible_external")
            .HasDefaultValue(true).ValueGeneratedNever();
        builder.Property(h => h.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(h => h.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");

        // A user's history, newest first, keyset-paged on (created_at, id), and the summary's period: the history API
        // is served by the Transaction service, which knows the user from the token but not the account (accounts
        // belong to Payment). No index pages by account_id (no query does; docs/payment.md, "Indexes").
        builder.HasIndex(h => new { h.UserId, h.CreatedAt, h.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_historical_transactions_user_id_created_at_id");
        // Filtered history (type/status) and the summary's per-type/status sums over a period.
        builder.HasIndex(h => new { h.UserId, h.Type, h.Status, h.CreatedAt })
            .IsDescending(false, false, false, true)
            .HasDatabaseName("ix_historical_transactions_user_id_type_status_created_at");
        // Regulator paging sees only externally accessible rows.
        builder.HasIndex(h => new { h.CreatedAt, h.Id })
            .HasFilter("is_accessible_external")
            .HasDatabaseName("ix_historical_transactions_external_created_at_id");
        // Refunds of a payment (how much is still refundable).
        builder.HasIndex(h => h.RelatedTransactionId)
            .HasFilter("related_transaction_id IS NOT NULL")
            .HasDatabaseName("ix_historical_transactions_related_transaction_id");
        // One transfer = exactly one DEBIT and one CREDIT row sharing the reference; also the lookup index.
        builder.HasIndex(h => new { h.TransferReference, h.Direction })
            .IsUnique()
            .HasFilter("transfer_reference IS NOT NULL")
            .HasDatabaseName(TransferReferenceDirectionUniqueIndex);
    }
}
