using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Auth.Data;

/// <summary>Maps <see cref="Authentication"/> (refresh tokens) to <c>authentications</c>.</summary>
internal sealed class AuthenticationConfiguration : IEntityTypeConfiguration<Authentication>
{
    public void Configure(EntityTypeBuilder<Authentication> builder)
    {
        builder.ToTable("authentications", t =>
            t.HasCheckConstraint("ck_authentications_expiry_after_creation", "expires_at > created_at"));

        // The ERD's 512-char `token` key holds the token's hash, never the token itself.
        builder.HasKey(a => a.TokenHash).HasName("pk_authentications");
        builder.Property(a => a.TokenHash).HasColumnName("token").HasMaxLength(512);

        builder.Property(a => a.UserId).HasColumnName("user_id");
        builder.Property(a => a.SessionId).HasColumnName("session_id");
        builder.Property(a => a.FamilyId).HasColumnName("family_id");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(a => a.ExpiresAt).HasColumnName("expires_at");
        builder.Property(a => a.RevokedAt).HasColumnName("revoked_at");
        builder.Property(a => a.ReplacedBy).HasColumnName("replaced_by").HasMaxLength(512);
        builder.Property(a => a.UserAgent).HasColumnName("user_agent").HasMaxLength(512);
        builder.Property(a => a.IpAddress).HasColumnName("ip_address").HasMaxLength(45);

        // A plain integer column (not serial, as the ERD had it) referencing users.id.
        builder.HasOne(a => a.User)
            .WithMany(u => u.Authentications)
            .HasForeignKey(a => a.UserId)
            .HasConstraintName("fk_authentications_users_user_id")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(a => a.UserId).HasDatabaseName("ix_authentications_user_id");
        builder.HasIndex(a => a.SessionId).HasDatabaseName("ix_authentications_session_id");
        builder.HasIndex(a => a.FamilyId).HasDatabaseName("ix_authentications_family_id");
    }
}
