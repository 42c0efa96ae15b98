using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerSequence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ledger_sequence",
                table: "historical_transactions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ledger_sequence",
                table: "accounts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                table: "historical_transactions",
                columns: new[] { "account_id", "ledger_sequence" },
                unique: true,
                filter: "ledger_sequence IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_historical_transactions_account_ledger_sequence",
                table: "historical_transactions");

            migrationBuilder.DropColumn(
                name: "ledger_sequence",
                table: "historical_transactions");

            migrationBuilder.DropColumn(
                name: "ledger_sequence",
                table: "accounts");
        }
    }
}
