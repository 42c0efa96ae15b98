using Microsoft.EntityFrameworkCore;

namespace OneGate.Transaction.Data;

/// <summary>Maps the Transaction service's read models (fed by Payment's and Auth's events).</summary>
internal static class ReadModelConfiguration
{
    public static void Apply(ModelBuilder model)
    {
        model.Entity<ProcessedEvent>(e =>
        {
            e.ToTable("processed_events");
            e.HasKey(x => x.EventId).HasName("pk_processed_events");
            e.Property(x => x.EventId).HasColumnName("event_id");
            e.Property(x => x.Topic).HasColumnName("topic").HasMaxLength(200);
            e.Property(x => x.Partition).HasColumnName("partition");
            e.Property(x => x.Offset).HasColumnName("offset");
            e.Property(x => x.ProcessedAt).HasColumnName("processed_at").HasDefaultValueSql("now()");
        });

        model.Entity<ReportTransaction>(e =>
        {
            e.ToTable("report_transactions");
            e.HasKey(x => x.TransactionId).HasName("pk_report_transactions");
            e.Property(x => x.TransactionId).HasColumnName("transaction_id").HasMaxLength(50);
            e.Property(x => x.ReportDate).HasColumnName("report_date");
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(20);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
            e.Property(x => x.PaymentMethod).HasColumnName("payment_method").HasMaxLength(20);
            e.Property(x => x.Amount).HasColumnName("amount").HasColumnType("numeric(15,2)");
            e.Property(x => x.IsAccessibleExternal).HasColumnName("is_accessible_external");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });

        model.Entity<DailyReportTotal>(e =>
        {
            e.ToTable("daily_report_totals", t => t.HasCheckConstraint("ck_daily_report_totals_non_negative", "count >= 0 AND amount >= 0"));
            e.HasKey(x => new { x.ReportDate, x.Type, x.Status, x.PaymentMethod }).HasName("pk_daily_report_totals");
            e.Property(x => x.ReportDate).HasColumnName("report_date");
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(20);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
            e.Property(x => x.PaymentMethod).HasColumnName("payment_method").HasMaxLength(20);
            e.Property(x => x.Count).HasColumnName("count");
            // Sums of many numeric(15,2) amounts need more integer digits than one amount.
            e.Property(x => x.Amount).HasColumnName("amount").HasColumnType("numeric(20,2)");
        });

        // Named for what it holds: Auth's own users table is in the same database.
        model.Entity<MaskedUser>(e =>
        {
            e.ToTable("masked_users", t => t.HasCheckConstraint("ck_masked_users_version_positive", "version >= 1"));
            e.HasKey(x => x.UserId).HasName("pk_masked_users");
            e.Property(x => x.UserId).HasColumnName("user_id").ValueGeneratedNever();
            e.Property(x => x.MaskedUsername).HasColumnName("masked_username").HasMaxLength(60);
            e.Property(x => x.MaskedPhone).HasColumnName("masked_phone").HasMaxLength(30);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");
        });

        model.Entity<DeadLetterEvent>(e =>
        {
            e.ToTable("dead_letter_events");
            e.HasKey(x => x.Id).HasName("pk_dead_letter_events");
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.Topic).HasColumnName("topic").HasMaxLength(200);
            e.Property(x => x.Partition).HasColumnName("partition");
            e.Property(x => x.Offset).HasColumnName("offset");
            e.Property(x => x.MessageKey).HasColumnName("message_key").HasMaxLength(200);
            e.Property(x => x.Payload).HasColumnName("payload").HasColumnType("text");
            e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2000);
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        });
    }
}
