// Payment's initial schema: accounts, historical_transactions (the ledger), outbox_messages,
// idempotency_keys, and the PostgreSQL enums Payment owns.
// ERD slips resolved here:
// - User id type: accounts.user_id, historical_transactions.user_id and idempotency_keys.user_id
//   are plain integer columns (the ERD had bigint), the one user-id type of users.id.
// - No cross-service foreign keys: users belongs to Auth. An FK would force Auth's migration to
//   run before Payment's in the shared database and couple the services' deployments; the user
//   id comes from a signed access token, so it is trusted as is.
// - A transfer writes two rows (sender DEBIT, recipient CREDIT), each with its own transaction_id,
//   linked by a shared transfer_reference (unique per direction, so exactly one of each).
using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using OneGate.Payment.Data;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:account_status", "ACTIVE,CLOSED,SUSPENDED")
                .Annotation("Npgsql:Enum:payment_method", "GOPAY,SHOPEE_PAY")
                .Annotation("Npgsql:Enum:transaction_direction", "CREDIT,DEBIT")
                .Annotation("Npgsql:Enum:transaction_status", "CANCELLED,FAILED,PENDING,SUCCESS")
                .Annotation("Npgsql:Enum:transaction_type", "PAYMENT,REFUND,TOPUP,TRANSFER");

            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    balance = table.Column<decimal>(type: "numeric(15,2)", nullable: false, defaultValue: 0m),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false, defaultValue: "IDR"),
                    status = table.Column<AccountStatus>(type: "account_status", nullable: false, defaultValue: AccountStatus.Active),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => x.id);
                    table.CheckConstraint("ck_accounts_balance_non_negative", "balance >= 0");
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    request_path = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    response_status = table.Column<int>(type: "integer", nullable: true),
                    response_content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    response_body = table.Column<string>(type: "text", nullable: true),
                    transaction_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.user_id, x.idempotency_key });
                    table.CheckConstraint("ck_idempotency_keys_completed_has_response", "status <> 'COMPLETED' OR response_status IS NOT NULL");
                    table.CheckConstraint("ck_idempotency_keys_status", "status IN ('IN_PROGRESS', 'COMPLETED')");
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    message_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    event_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    headers = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "historical_transactions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    transaction_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    type = table.Column<TransactionType>(type: "transaction_type", nullable: false),
                    status = table.Column<TransactionStatus>(type: "transaction_status", nullable: false),
                    direction = table.Column<TransactionDirection>(type: "transaction_direction", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(15,2)", nullable: false),
                    balance_before = table.Column<decimal>(type: "numeric(15,2)", nullable: false),
                    balance_after = table.Column<decimal>(type: "numeric(15,2)", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false, defaultValue: "IDR"),
                    description = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    payment_method = table.Column<PaymentMethod>(type: "payment_method", nullable: true),
                    external_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    merchant = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    related_transaction_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    transfer_reference = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    is_accessible_external = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_historical_transactions", x => x.id);
                    table.CheckConstraint("ck_historical_transactions_amount_positive", "amount > 0");
                    table.CheckConstraint("ck_historical_transactions_balance_after_non_negative", "balance_after >= 0");
                    table.CheckConstraint("ck_historical_transactions_balance_arithmetic", "(status = 'SUCCESS' AND direction = 'CREDIT' AND balance_after = balance_before + amount) OR (status = 'SUCCESS' AND direction = 'DEBIT' AND balance_after = balance_before - amount) OR (status <> 'SUCCESS' AND balance_after = balance_before)");
                    table.CheckConstraint("ck_historical_transactions_balance_before_non_negative", "balance_before >= 0");
                    table.CheckConstraint("ck_historical_transactions_refund_has_payment", "type <> 'REFUND' OR related_transaction_id IS NOT NULL");
                    table.CheckConstraint("ck_historical_transactions_transfer_has_reference", "type <> 'TRANSFER' OR transfer_reference IS NOT NULL");
                    table.CheckConstraint("ck_historical_transactions_type_direction", "type = 'TRANSFER' OR (type IN ('TOPUP', 'REFUND') AND direction = 'CREDIT') OR (type = 'PAYMENT' AND direction = 'DEBIT')");
                    table.ForeignKey(
                        name: "fk_historical_transactions_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ux_accounts_user_id",
                table: "accounts",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_account_id_created_at_id",
                table: "historical_transactions",
                columns: new[] { "account_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_external_created_at_id",
                table: "historical_transactions",
                columns: new[] { "created_at", "id" },
                filter: "is_accessible_external");

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_pending_created_at",
                table: "historical_transactions",
                column: "created_at",
                filter: "status = 'PENDING'");

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_related_transaction_id",
                table: "historical_transactions",
                column: "related_transaction_id",
                filter: "related_transaction_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_user_id_created_at_id",
                table: "historical_transactions",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_historical_transactions_user_id_type_status_created_at",
                table: "historical_transactions",
                columns: new[] { "user_id", "type", "status", "created_at" },
                descending: new[] { false, false, false, true });

            migrationBuilder.CreateIndex(
                name: "ux_historical_transactions_transaction_id",
                table: "historical_transactions",
                column: "transaction_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_historical_transactions_transfer_reference_direction",
                table: "historical_transactions",
                columns: new[] { "transfer_reference", "direction" },
                unique: true,
                filter: "transfer_reference IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_expires_at",
                table: "idempotency_keys",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unsent",
                table: "outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_outbox_messages_message_id",
                table: "outbox_messages",
                column: "message_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "historical_transactions");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
