// The history indexes no query or constraint needs go (docs/posting-engine.md, "Indexes"): the account_id paging index
// (nothing pages by account; the foreign key's lookups use the movement-number index below) and the PENDING
// index (reconciliation reads top_up_charges). The movement-number index loses its filter so it serves the foreign
// key too (NULLs stay distinct: PENDING rows without a number do not collide). Rebuilding it blocks writes to the
// table while it builds: on a large ledger, run it in a quiet window.
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class HistoryIndexReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_historical_transactions_account_id_created_at_id",
                schema: "payment",
                table: "historical_transactions");

            migrationBuilder.DropIndex(
                name: "ix_historical_transactions_pending_created_at",
                schema: "payment",
                table: "historical_transactions");

            migrationBuilder.DropIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                schema: "payment",
                table: "historical_transactions");

            migrationBuilder.CreateIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                schema: "payment",
                table: "historical_transactions",
                columns: new[] { "account_id", "ledger_sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                schema: "payment",
                table: "historical_transactions");

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_account_id_created_at_id",
                schema: "payment",
                table: "historical_transactions",
                columns: new[] { "account_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_pending_created_at",
                schema: "payment",
                table: "historical_transactions",
                column: "created_at",
                filter: "status = 'PENDING'");

            migrationBuilder.CreateIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                schema: "payment",
                table: "historical_transactions",
                columns: new[] { "account_id", "ledger_sequence" },
                unique: true,
                filter: "ledger_sequence IS NOT NULL");
        }
    }
}
