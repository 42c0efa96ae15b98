using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class TopUpChargesAndRefunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "pending_top_ups",
                table: "accounts",
                type: "numeric(15,2)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "top_up_charges",
                columns: table => new
                {
                    transaction_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    external_id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    next_inquiry_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    inquiries = table.Column<int>(type: "integer", nullable: false),
                    gave_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_top_up_charges", x => x.transaction_id);
                });

            migrationBuilder.CreateTable(
                name: "top_up_refunds",
                columns: table => new
                {
                    transaction_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    refund_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    external_id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(15,2)", nullable: false),
                    reason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    provider_refund_reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_top_up_refunds", x => x.transaction_id);
                    table.CheckConstraint("ck_top_up_refunds_amount_positive", "amount > 0");
                    table.CheckConstraint("ck_top_up_refunds_status", "status IN ('PENDING', 'REFUNDED')");
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_accounts_pending_top_ups_non_negative",
                table: "accounts",
                sql: "pending_top_ups >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_top_up_charges_next_inquiry_at",
                table: "top_up_charges",
                column: "next_inquiry_at",
                filter: "next_inquiry_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_top_up_refunds_next_attempt_at",
                table: "top_up_refunds",
                column: "next_attempt_at",
                filter: "status = 'PENDING'");

            migrationBuilder.CreateIndex(
                name: "ux_top_up_refunds_refund_no",
                table: "top_up_refunds",
                column: "refund_no",
                unique: true);

            // Top-ups already PENDING keep their cap headroom and stay in reconciliation's queue.
            migrationBuilder.Sql("""
                UPDATE accounts a
                   SET pending_top_ups = p.total
                  FROM (SELECT account_id, sum(amount) AS total FROM historical_transactions
                         WHERE type = 'TOPUP' AND status = 'PENDING' GROUP BY account_id) p
                 WHERE a.id = p.account_id;
                INSERT INTO top_up_charges (transaction_id, external_id, next_inquiry_at, inquiries, gave_up_at, created_at)
                SELECT transaction_id, to_char(now() AT TIME ZONE 'Asia/Jakarta', 'YYYYMMDD') || lpad(id::text, 28, '0'), now(), 0, NULL, created_at
                  FROM historical_transactions WHERE type = 'TOPUP' AND status = 'PENDING';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "top_up_charges");

            migrationBuilder.DropTable(
                name: "top_up_refunds");

            migrationBuilder.DropCheckConstraint(
                name: "ck_accounts_pending_top_ups_non_negative",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "pending_top_ups",
                table: "accounts");
        }
    }
}
