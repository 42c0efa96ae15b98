using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Auth.Data;

/// <summary>
/// Maps <see cref="OutboxMessage"/> to <c>auth_outbox_messages</c> (prefixed: Payment's <c>outbox_messages</c> is in
/// the same database).
/// </summary>
internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("auth_outbox_messages");

        builder.HasKey(o => o.Id).HasName("pk_auth_outbox_messages");
        builder.Property(o => o.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(o => o.MessageId).HasColumnName("message_id");
        builder.HasIndex(o => o.MessageId).IsUnique().HasDatabaseName("ux_auth_outbox_messages_message_id");
        builder.Property(o => o.Topic).HasColumnName("topic").HasMaxLength(200).IsRequired();
        builder.Property(o => o.MessageKey).HasColumnName("message_key").HasMaxLength(200).IsRequired();
        builder.Property(o => o.EventType).HasColumnName("event_type").HasMaxLength(100).IsRequired();
        builder.Property(o => o.Payload).HasColumnName("payload").HasColumnType("jsonb").IsRequired();
        builder.Property(o => o.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(o => o.SentAt).HasColumnName("sent_at");
        builder.Property(o => o.Attempts).HasColumnName("attempts").HasDefaultValue(0).ValueGeneratedNever();
        builder.Property(o => o.LastError).HasColumnName("last_error").HasMaxLength(2000);
        builder.Property(o => o.NextAttemptAt).HasColumnName("next_attempt_at");

        // What is left to publish, in order, stays a small scan as sent rows pile up; the few failed rows are found
        // by their own index when the relay skips what waits behind a user's failed message.
        builder.HasIndex(o => o.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_auth_outbox_messages_unsent");
        builder.HasIndex(o => new { o.MessageKey, o.Id })
            .HasFilter("sent_at IS NULL AND last_error IS NOT NULL")
            .HasDatabaseName("ix_auth_outbox_messages_failed");
    }
}
