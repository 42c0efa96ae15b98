using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneGate.ServiceDefaults.Outbox;

namespace OneGate.Auth.Data;

/// <summary>
/// Maps users' events (<see cref="OutboxMessage"/>, written by the database's trigger on <c>users</c> in the same
/// transaction as the change, published by <see cref="Events.UserOutboxRelay"/>) to <c>auth_outbox_messages</c>
/// (prefixed: Payment's <c>outbox_messages</c> is in the same database). No headers column: nothing traces a trigger.
/// </summary>
internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("auth_outbox_messages");
        OutboxMessageTable.Configure(builder, "auth_outbox_messages");
        builder.Ignore(o => o.Headers);
    }
}
