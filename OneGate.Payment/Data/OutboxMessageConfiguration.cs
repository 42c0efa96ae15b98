using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Payment.Data;

/// <summary>
/// Maps the ledger's events (<see cref="OutboxMessage"/>, written in the same transaction as the ledger change,
/// published by <see cref="Events.OutboxRelay"/>) to <c>outbox_messages</c>.
/// </summary>
internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        OutboxMessageTable.Configure(builder, "outbox_messages");
        builder.Property(o => o.Headers).HasColumnName("headers").HasColumnType("jsonb");
    }
}
