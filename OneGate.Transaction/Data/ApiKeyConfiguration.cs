using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Transaction.Data;

/// <summary>Maps <see cref="ApiKey"/> to <c>api_keys</c>.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    internal const string RotatedFromIndex = "ix_api_keys_rotated_from_id";

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys", t =>
        {
            t.HasCheckConstraint("ck_api_keys_permissions_not_empty", "cardinality(permissions) > 0");
            t.HasCheckConstraint("ck_api_keys_rate_limit_count_positive", "rate_limit_count > 0");
            t.HasCheckConstraint("ck_api_keys_rate_limits_array", "jsonb_typeof(rate_limits) = 'array'");
        });

        builder.HasKey(k => k.Id).HasName("pk_api_keys");
        builder.Property(k => k.Id).HasColumnName("id").HasDefaultValueSql("gen_random_uuid()");

        builder.Property(k => k.ExternalServiceId).HasColumnName("external_service_id");
        builder.HasOne(k => k.ExternalService)
            .WithMany(s => s.ApiKeys)
            .HasForeignKey(k => k.ExternalServiceId)
            .HasConstraintName("fk_api_keys_external_services_external_service_id")
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(k => k.ExternalServiceId).HasDatabaseName("ix_api_keys_external_service_id");

        builder.Property(k => k.Name).HasColumnName("name").HasMaxLength(100).IsRequired();
        builder.Property(k => k.KeyPrefix).HasColumnName("key_prefix").HasMaxLength(16).IsRequired();
        // Only the key's hash is stored; a leaked table grants no access.
        builder.Property(k => k.KeyHash).HasColumnName("key_hash").HasMaxLength(128).IsRequired();
        builder.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("ux_api_keys_key_hash");

        // The ERD lists READ_TRANSACTIONS,READ_REPORTS twice: it is a set, stored as api_permission[].
        builder.Property(k => k.Permissions).HasColumnName("permissions").IsRequired();

        // The ERD's single window stays as the primary one; rate_limits holds all three
        // (minute, hour, day) as [{"unit":"MINUTE","limit":100}, ...] so each is enforced.
        builder.Property(k => k.RateLimitCount).HasColumnName("rate_limit_count");
        builder.Property(k => k.RateLimitUnit).HasColumnName("rate_limit_unit");
        builder.ComplexCollection(k => k.RateLimits, MapWindows);

        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        builder.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        // The DB default serves raw SQL inserts; EF always sends the entity's value (initialised to true).
        builder.Property(k => k.IsActive).HasColumnName("is_active").HasDefaultValue(true).ValueGeneratedNever();
        builder.Property(k => k.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(k => k.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");

        builder.Property(k => k.RotatedFromId).HasColumnName("rotated_from_id");
        builder.Property(k => k.LineageId).HasColumnName("lineage_id");
        builder.Ignore(k => k.RateLimitId);
        builder.HasOne<ApiKey>()
            .WithMany()
            .HasForeignKey(k => k.RotatedFromId)
            .HasConstraintName("fk_api_keys_api_keys_rotated_from_id")
            .OnDelete(DeleteBehavior.SetNull);
        // Unique: a key has at most one successor, whatever the locking above it does (KeyLifecycle maps a violation
        // to KEY_ALREADY_ROTATED). NULLs are distinct, so any number of keys were rotated from nothing.
        builder.HasIndex(k => k.RotatedFromId).IsUnique().HasDatabaseName(RotatedFromIndex);
    }

    /// <summary>Rate-limit windows as a <c>rate_limits</c> JSON array (keys', and services' defaults for new keys).</summary>
    internal static void MapWindows(ComplexCollectionBuilder<RateLimitWindow> windows)
    {
        windows.ToJson("rate_limits");
        windows.Property(w => w.Unit).HasJsonPropertyName("unit").HasConversion(new PgNameLabelConverter<RateLimitUnit>());
        windows.Property(w => w.Limit).HasJsonPropertyName("limit");
    }
}
