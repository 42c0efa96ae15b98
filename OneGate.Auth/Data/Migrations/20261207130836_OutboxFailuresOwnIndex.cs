// The healthy unsent rows get an index of their own, without the failed ones (OutboxMessageTable); then the old
// index, which covered failed rows too, goes. Building it reads the whole table (the retention's published rows)
// and blocks writes to it meanwhile, so every money request (they write events) waits: on a large outbox, create it
// by hand first with CREATE INDEX CONCURRENTLY and the same definition (IF NOT EXISTS then skips it). Not concurrent
// here: the services migrate one database under one migration lock, which a concurrent build deadlocks with.
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Auth.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxFailuresOwnIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                "CREATE INDEX IF NOT EXISTS ix_auth_outbox_messages_to_publish ON auth.auth_outbox_messages (id) WHERE sent_at IS NULL AND last_error IS NULL;");

            migrationBuilder.DropIndex(
                name: "ix_auth_outbox_messages_unsent",
                schema: "auth",
                table: "auth_outbox_messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_auth_outbox_messages_to_publish",
                schema: "auth",
                table: "auth_outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_auth_outbox_messages_unsent",
                schema: "auth",
                table: "auth_outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");
        }
    }
}
