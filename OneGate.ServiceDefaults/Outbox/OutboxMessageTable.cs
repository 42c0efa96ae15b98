using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.ServiceDefaults.Outbox;

/// <summary>
/// The columns and indexes every outbox table has, named after the table (<c>pk_{table}</c>, <c>ix_{table}_to_publish</c>,
/// ...). The service's own configuration names the table and maps or ignores <see cref="OutboxMessage.Headers"/>.
/// </summary>
public static class OutboxMessageTable
{
    public static void Configure(EntityTypeBuilder<OutboxMessage> builder, string table)
    {
        builder.HasKey(o => o.Id).HasName($"pk_{table}");
        builder.Property(o => o.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(o => o.MessageId).HasColumnName("message_id");
        builder.HasIndex(o => o.MessageId).IsUnique().HasDatabaseName($"ux_{table}_message_id");
        builder.Property(o => o.Topic).HasColumnName("topic").HasMaxLength(200).IsRequired();
        builder.Property(o => o.MessageKey).HasColumnName("message_key").HasMaxLength(200).IsRequired();
        builder.Property(o => o.EventType).HasColumnName("event_type").HasMaxLength(100).IsRequired();
        builder.Property(o => o.Payload).HasColumnName("payload").HasColumnType("jsonb").IsRequired();
        builder.Property(o => o.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(o => o.SentAt).HasColumnName("sent_at");
        builder.Property(o => o.Attempts).HasColumnName("attempts").HasDefaultValue(0).ValueGeneratedNever();
        builder.Property(o => o.LastError).HasColumnName("last_error").HasMaxLength(2000);
        builder.Property(o => o.NextAttemptAt).HasColumnName("next_attempt_at");

        // What is left to publish, in two disjoint indexes: the healthy rows in order (a small scan however many sent
        // rows pile up) and the few failed ones by key, for the relay to skip what waits behind a key's failed message.
        // Disjoint on purpose (OutboxQueries.DueSql): while one index covered every unsent row, the planner, with
        // statistics from before a backlog, looked for the failures through the whole backlog instead of their index.
        builder.HasIndex(o => o.Id).HasFilter("sent_at IS NULL AND last_error IS NULL").HasDatabaseName($"ix_{table}_to_publish");
        builder.HasIndex(o => new { o.MessageKey, o.Id })
            .HasFilter("sent_at IS NULL AND last_error IS NOT NULL")
            .HasDatabaseName($"ix_{table}_failed");
    }
}
