using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OneGate.Auth.Data;

/// <summary>Maps <see cref="User"/> to <c>users</c>.</summary>
internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    // Index/constraint names the service maps to 409 USERNAME_TAKEN / EMAIL_TAKEN / PHONE_TAKEN
    // (PostgresException.ConstraintName carries the unique index name).
    public const string UsernameUniqueIndex = "ux_users_username";
    public const string EmailUniqueIndex = "ux_users_email";
    public const string PhoneUniqueIndex = "ux_users_phone";

    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users", t =>
            // Uniqueness of the phone relies on one normal form; the API stores +628…
        {
            t.HasCheckConstraint("ck_users_phone_normalised", @"phone ~ '^\+628[0-9]+$'");
            t.HasCheckConstraint("ck_users_version_positive", "version >= 1");
        });

        builder.HasKey(u => u.Id).HasName("pk_users");
        // GENERATED ALWAYS: ids come only from the database, so the sequence cannot fall behind
        // rows inserted with hand-picked ids.
        builder.Property(u => u.Id).HasColumnName("id").UseIdentityAlwaysColumn();

        builder.Property(u => u.Username).HasColumnName("username").HasMaxLength(50).IsRequired();
        builder.Property(u => u.Email).HasColumnName("email").HasMaxLength(255).IsRequired();
        builder.Property(u => u.Phone).HasColumnName("phone").HasMaxLength(20).IsRequired();
        builder.Property(u => u.PasswordHash).HasColumnName("password_hash").HasMaxLength(255).IsRequired();

        // The DB default serves raw SQL inserts; EF always sends the entity's value (initialised to
        // true) so that an explicit false is never swallowed by the default.
        builder.Property(u => u.IsActive).HasColumnName("is_active").HasDefaultValue(true).ValueGeneratedNever();

        // Moved only by the database's triggers (see the UsersStream migration): EF never writes it and reads it back.
        builder.Property(u => u.Version).HasColumnName("version").HasDefaultValue(1).ValueGeneratedOnAddOrUpdate();

        builder.Property(u => u.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(u => u.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");

        // Case-insensitive uniqueness of username and email uses unique indexes on lower(username)
        // and lower(email) (ux_users_username, ux_users_email). EF cannot model expression indexes,
        // so the Initial migration creates them with raw SQL. Chosen over storing lowercased values:
        // the database enforces it however a row is written, and the e-mail keeps the case the user
        // typed. Lookups must compare lower(column) = lower(@value) to use these indexes.
        builder.HasIndex(u => u.Phone).IsUnique().HasDatabaseName(PhoneUniqueIndex);
    }
}
