// The healthy unsent rows get an index of their own, without the failed ones (OutboxMessageTable); then the old
// index, which covered failed rows too, goes. Building it reads the whole table (the retention's published rows)
// and blocks writes to it meanwhile, so every money request (they write events) waits: on a large outbox, create it
// by hand first with CREATE INDEX CONCURRENTLY and the same definition (then kept if valid). Not concurrent here:
// the services migrate one database under one migration lock, which a concurrent build deadlocks with. Replicas of
// the previous version still running meanwhile lose the old index (their relay scans published rows until a new
// replica leads); rolling back the image means running this migration's Down.
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxFailuresOwnIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Both statements below wait for an exclusive or share lock: at most 10 s (the migration fails and is run again)
            // instead of queueing every writer of the table behind them.
            migrationBuilder.Sql("SET LOCAL lock_timeout = '10s';");

            // An index made by hand under this name is kept only if it is valid and the same (a failed concurrent build
            // leaves an invalid one); otherwise it is built again here.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  IF EXISTS (
                      SELECT 1 FROM pg_index i
                       WHERE i.indexrelid = to_regclass('payment.ix_outbox_messages_to_publish')
                         AND NOT (i.indisvalid AND NOT i.indisunique AND i.indrelid = 'payment.outbox_messages'::regclass AND i.indnatts = 1
                                  AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid AND attname = 'id')
                                  AND pg_get_expr(i.indpred, i.indrelid) = '((sent_at IS NULL) AND (last_error IS NULL))')) THEN
                    DROP INDEX payment.ix_outbox_messages_to_publish;
                  END IF;
                END $$;
                """);
            migrationBuilder.Sql(
                "CREATE INDEX IF NOT EXISTS ix_outbox_messages_to_publish ON payment.outbox_messages (id) WHERE sent_at IS NULL AND last_error IS NULL;");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_unsent",
                schema: "payment",
                table: "outbox_messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_to_publish",
                schema: "payment",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unsent",
                schema: "payment",
                table: "outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");
        }
    }
}
