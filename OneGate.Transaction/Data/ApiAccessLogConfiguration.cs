using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Transaction.Data;

/// <summary>Maps <see cref="ApiAccessLog"/> to <c>api_access_logs</c>.</summary>
internal sealed class ApiAccessLogConfiguration : IEntityTypeConfiguration<ApiAccessLog>
{
    public void Configure(EntityTypeBuilder<ApiAccessLog> builder)
    {
        builder.ToTable("api_access_logs");

        builder.HasKey(l => l.Id).HasName("pk_api_access_logs");
        builder.Property(l => l.Id).HasColumnName("id").ValueGeneratedNever();

        builder.Property(l => l.ApiKeyId).HasColumnName("api_key_id");
        // Audit rows outlive their key.
        builder.HasOne<ApiKey>()
            .WithMany()
            .HasForeignKey(l => l.ApiKeyId)
            .HasConstraintName("fk_api_access_logs_api_keys_api_key_id")
            .OnDelete(DeleteBehavior.SetNull);

        // Deliberately no foreign key: the copy must survive the service's (cascading) deletion,
        // and the log insert on every request needs no extra lookup.
        builder.Property(l => l.ExternalServiceId).HasColumnName("external_service_id");

        builder.Property(l => l.Endpoint).HasColumnName("endpoint").HasMaxLength(255).IsRequired();
        builder.Property(l => l.Method).HasColumnName("method").HasMaxLength(10).IsRequired();
        builder.Property(l => l.IpAddress).HasColumnName("ip_address").HasMaxLength(45).IsRequired();
        builder.Property(l => l.UserAgent).HasColumnName("user_agent").HasMaxLength(512);
        builder.Property(l => l.StatusCode).HasColumnName("status_code");
        builder.Property(l => l.ResponseTimeMs).HasColumnName("response_time_ms");
        builder.Property(l => l.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");

        // A key's recent calls (also the foreign key's index), and time-range scans/pruning.
        builder.HasIndex(l => new { l.ApiKeyId, l.CreatedAt })
            .IsDescending(false, true)
            .HasDatabaseName("ix_api_access_logs_api_key_id_created_at");
        builder.HasIndex(l => l.CreatedAt).HasDatabaseName("ix_api_access_logs_created_at");
    }
}
