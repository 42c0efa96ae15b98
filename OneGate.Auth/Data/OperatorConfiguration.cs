using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Auth.Data;

/// <summary>Maps <see cref="Operator"/> to <c>operators</c>.</summary>
internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Operator>
{
    public void Configure(EntityTypeBuilder<Operator> builder)
    {
        builder.ToTable("operators", t =>
        {
            t.HasCheckConstraint("ck_operators_roles",
                "cardinality(roles) >= 1 AND roles <@ ARRAY['SUPPORT','OPERATIONS','COMPLIANCE','ADMIN']::varchar(20)[]");
            t.HasCheckConstraint("ck_operators_username_lower", "username = lower(username)");
        });

        builder.HasKey(o => o.Id).HasName("pk_operators");
        builder.Property(o => o.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(o => o.Username).HasColumnName("username").HasMaxLength(50).IsRequired();
        builder.HasIndex(o => o.Username).IsUnique().HasDatabaseName("ux_operators_username");
        builder.Property(o => o.PasswordHash).HasColumnName("password_hash").HasMaxLength(255).IsRequired();
        builder.Property(o => o.TotpSecret).HasColumnName("totp_secret").IsRequired();
        builder.Property(o => o.TotpLastStep).HasColumnName("totp_last_step").HasDefaultValue(0L).ValueGeneratedNever();
        builder.Property(o => o.Roles).HasColumnName("roles").HasColumnType("varchar(20)[]").IsRequired();
        builder.Property(o => o.IsActive).HasColumnName("is_active").HasDefaultValue(true).ValueGeneratedNever();
        builder.Property(o => o.CreatedAt).HasColumnName("created_at");
        builder.Property(o => o.CreatedBy).HasColumnName("created_by");
        builder.HasOne<Operator>().WithMany().HasForeignKey(o => o.CreatedBy).HasConstraintName("fk_operators_created_by")
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => o.CreatedBy).HasDatabaseName("ix_operators_created_by");
    }
}
