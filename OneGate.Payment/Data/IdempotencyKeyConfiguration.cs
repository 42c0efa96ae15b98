using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OneGate.Payment.Data;

/// <summary>Maps <see cref="IdempotencyKey"/> to <c>idempotency_keys</c>.</summary>
internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    /// <summary>Primary key; a duplicate insert means another request already holds the key.</summary>
    public const string PrimaryKeyName = "pk_idempotency_keys";

    /// <summary>An insert failed because another request stored the key first.</summary>
    public static bool IsTaken(Exception ex) =>
        ex is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, ConstraintName: PrimaryKeyName };

    private static readonly ValueConverter<IdempotencyStatus, string> StatusConverter = new(
        v => v == IdempotencyStatus.Completed ? "COMPLETED" : "IN_PROGRESS",
        v => v == "COMPLETED" ? IdempotencyStatus.Completed : IdempotencyStatus.InProgress);

    public void Configure(EntityTypeBuilder<IdempotencyKey> builder)
    {
        builder.ToTable("idempotency_keys", t =>
        {
            t.HasCheckConstraint("ck_idempotency_keys_status", "status IN ('IN_PROGRESS', 'COMPLETED')");
            t.HasCheckConstraint(
                "ck_idempotency_keys_completed_has_response",
                "status <> 'COMPLETED' OR response_status IS NOT NULL");
        });

        // No foreign key on user_id (Auth's users): see AccountConfiguration.
        builder.HasKey(k => new { k.UserId, k.Key }).HasName(PrimaryKeyName);
        builder.Property(k => k.UserId).HasColumnName("user_id");
        builder.Property(k => k.Key).HasColumnName("idempotency_key").HasMaxLength(255);

        builder.Property(k => k.RequestMethod).HasColumnName("request_method").HasMaxLength(10).IsRequired();
        builder.Property(k => k.RequestPath).HasColumnName("request_path").HasMaxLength(200).IsRequired();
        builder.Property(k => k.RequestHash).HasColumnName("request_hash").HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(k => k.Status).HasColumnName("status").HasMaxLength(20).HasConversion(StatusConverter);
        builder.Property(k => k.ResponseStatus).HasColumnName("response_status");
        builder.Property(k => k.ResponseContentType).HasColumnName("response_content_type").HasMaxLength(100);
        builder.Property(k => k.ResponseBody).HasColumnName("response_body").HasColumnType("text");
        builder.Property(k => k.TransactionId).HasColumnName("transaction_id").HasMaxLength(50);
        builder.Property(k => k.LockedUntil).HasColumnName("locked_until");
        builder.Property(k => k.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        builder.Property(k => k.CompletedAt).HasColumnName("completed_at");
        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at");

        // Pruning of expired keys.
        builder.HasIndex(k => k.ExpiresAt).HasDatabaseName("ix_idempotency_keys_expires_at");
    }
}
