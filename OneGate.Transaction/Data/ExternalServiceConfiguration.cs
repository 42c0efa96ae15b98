using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Transaction.Data;

/// <summary>Maps <see cref="ExternalService"/> to <c>external_services</c>.</summary>
internal sealed class ExternalServiceConfiguration : IEntityTypeConfiguration<ExternalService>
{
    public void Configure(EntityTypeBuilder<ExternalService> builder)
    {
        builder.ToTable("external_services");

        builder.HasKey(s => s.Id).HasName("pk_external_services");
        // GENERATED ALWAYS like every identity here: seeders find rows by code, never pick ids.
        builder.Property(s => s.Id).HasColumnName("id").UseIdentityAlwaysColumn();

        builder.Property(s => s.Name).HasColumnName("name").HasMaxLength(100).IsRequired();
        builder.HasIndex(s => s.Name).IsUnique().HasDatabaseName("ux_external_services_name");
        builder.Property(s => s.Code).HasColumnName("code").HasMaxLength(50).IsRequired();
        builder.HasIndex(s => s.Code).IsUnique().HasDatabaseName("ux_external_services_code");

        builder.Property(s => s.Description).HasColumnName("description").HasMaxLength(500);
        builder.Property(s => s.ContactEmail).HasColumnName("contact_email").HasMaxLength(255);
        // The DB default serves raw SQL inserts; EF always sends the entity's value (initialised to true).
        builder.Property(s => s.IsActive).HasColumnName("is_active").HasDefaultValue(true).ValueGeneratedNever();
        // Defaults of the service's new keys (the keys keep their own copy: changing these changes no key).
        builder.Property(s => s.Permissions).HasColumnName("permissions").IsRequired();
        builder.ComplexCollection(s => s.RateLimits, ApiKeyConfiguration.MapWindows);
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");
    }
}
