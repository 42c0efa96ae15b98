using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Payment.Data;

/// <summary>Maps <see cref="TopUpCharge"/> to <c>top_up_charges</c>.</summary>
internal sealed class TopUpChargeConfiguration : IEntityTypeConfiguration<TopUpCharge>
{
    public void Configure(EntityTypeBuilder<TopUpCharge> builder)
    {
        builder.ToTable("top_up_charges");
        builder.HasKey(c => c.TransactionId).HasName("pk_top_up_charges");
        builder.Property(c => c.TransactionId).HasColumnName("transaction_id").HasMaxLength(50).ValueGeneratedNever();
        builder.Property(c => c.ExternalId).HasColumnName("external_id").HasMaxLength(36).IsRequired();
        builder.Property(c => c.NextInquiryAt).HasColumnName("next_inquiry_at");
        builder.Property(c => c.Inquiries).HasColumnName("inquiries");
        builder.Property(c => c.GaveUpAt).HasColumnName("gave_up_at");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");

        // Reconciliation's queue: only rows still to be asked about.
        builder.HasIndex(c => c.NextInquiryAt).HasDatabaseName("ix_top_up_charges_next_inquiry_at").HasFilter("next_inquiry_at IS NOT NULL");
    }
}
