using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxFailedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_failed",
                table: "outbox_messages",
                columns: new[] { "message_key", "id" },
                filter: "sent_at IS NULL AND last_error IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_failed",
                table: "outbox_messages");
        }
    }
}
