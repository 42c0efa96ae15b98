using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// Maps <see cref="AuditEvent"/> to <c>audit_events</c>. Text columns, not <c>inet</c> or <c>jsonb</c>: the hash
/// covers the text exactly as written, so the database must give back the same text (<c>json</c> keeps it verbatim,
/// <c>jsonb</c> would reorder keys).
/// </summary>
public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events", t =>
        {
            t.HasCheckConstraint("ck_audit_events_id_positive", "id >= 1");
            t.HasCheckConstraint("ck_audit_events_hash_length", "octet_length(hash) = 32");
        });

        builder.HasKey(e => e.Id).HasName("pk_audit_events");
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(e => e.OccurredAt).HasColumnName("occurred_at");
        builder.Property(e => e.ActorType).HasColumnName("actor_type").HasMaxLength(20).IsRequired();
        builder.Property(e => e.ActorId).HasColumnName("actor_id").HasMaxLength(100);
        builder.Property(e => e.ActorName).HasColumnName("actor_name").HasMaxLength(100);
        builder.Property(e => e.ActorRole).HasColumnName("actor_role").HasMaxLength(50);
        builder.Property(e => e.Action).HasColumnName("action").HasMaxLength(100).IsRequired();
        builder.Property(e => e.TargetType).HasColumnName("target_type").HasMaxLength(50);
        builder.Property(e => e.TargetId).HasColumnName("target_id").HasMaxLength(200);
        builder.Property(e => e.Before).HasColumnName("before").HasColumnType("json");
        builder.Property(e => e.After).HasColumnName("after").HasColumnType("json");
        builder.Property(e => e.Reason).HasColumnName("reason").HasMaxLength(1000);
        builder.Property(e => e.ClientAddress).HasColumnName("client_address").HasMaxLength(100);
        builder.Property(e => e.TraceId).HasColumnName("trace_id").HasMaxLength(32);
        builder.Property(e => e.Hash).HasColumnName("hash").IsRequired();

        // Browsing: one actor's or one target's history, newest first.
        builder.HasIndex(e => new { e.ActorType, e.ActorId, e.Id }).HasDatabaseName("ix_audit_events_actor");
        builder.HasIndex(e => new { e.TargetType, e.TargetId, e.Id }).HasDatabaseName("ix_audit_events_target");
    }
}
