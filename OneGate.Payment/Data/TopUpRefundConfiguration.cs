using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Payment.Data;

/// <summary>Maps <see cref="TopUpRefund"/> to <c>top_up_refunds</c>.</summary>
internal sealed class TopUpRefundConfiguration : IEntityTypeConfiguration<TopUpRefund>
{
    public void Configure(EntityTypeBuilder<TopUpRefund> builder)
    {
        builder.ToTable("top_up_refunds", t =>
        {
            t.HasCheckConstraint("ck_top_up_refunds_status", "status IN ('PENDING', 'REFUNDED', 'RESOLVED')");
            t.HasCheckConstraint("ck_top_up_refunds_amount_positive", "amount > 0");
        });
        builder.HasKey(r => r.TransactionId).HasName("pk_top_up_refunds");
        builder.Property(r => r.TransactionId).HasColumnName("transaction_id").HasMaxLength(50).ValueGeneratedNever();
        builder.Property(r => r.RefundNo).HasColumnName("refund_no").HasMaxLength(64).IsRequired();
        builder.HasIndex(r => r.RefundNo).IsUnique().HasDatabaseName("ux_top_up_refunds_refund_no");
        builder.Property(r => r.ExternalId).HasColumnName("external_id").HasMaxLength(36).IsRequired();
        builder.Property(r => r.Amount).HasColumnName("amount").HasColumnType("numeric(15,2)");
        builder.Property(r => r.Reason).HasColumnName("reason").HasMaxLength(100).IsRequired();
        builder.Property(r => r.Status).HasColumnName("status").HasMaxLength(20).IsRequired();
        builder.Property(r => r.Attempts).HasColumnName("attempts");
        builder.Property(r => r.NextAttemptAt).HasColumnName("next_attempt_at");
        builder.Property(r => r.LastError).HasColumnName("last_error").HasMaxLength(500);
        builder.Property(r => r.ProviderRefundReference).HasColumnName("provider_refund_reference").HasMaxLength(64);
        builder.Property(r => r.ResolutionNote).HasColumnName("resolution_note").HasMaxLength(1000);
        builder.Property(r => r.CreatedAt).HasColumnName("created_at");
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(r => r.NextAttemptAt).HasDatabaseName("ix_top_up_refunds_next_attempt_at").HasFilter("status = 'PENDING'");
    }
}
