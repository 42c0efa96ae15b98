// Transaction's initial schema: external_services (regulators), api_keys, api_access_logs, and
// the PostgreSQL enums this service owns.
// ERD slips resolved here:
// - api_keys.permissions lists READ_TRANSACTIONS,READ_REPORTS twice: it is a set, stored as an
//   api_permission[] array.
// - api_keys.rate_limit_count/rate_limit_unit hold one window, but the consumers have three
//   (minute, hour, day): the columns keep the primary window and rate_limits (jsonb) holds all
//   three so each is enforced.
// - API keys are stored only as a hash (key_hash) plus a short visible prefix.
// - No cross-service foreign keys: historical_transactions is Payment's table, mapped read-only
//   in this context and excluded from these migrations.
using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using OneGate.Transaction.Data;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Edited by hand: EF generated annotations for every enum mapped in ConfigureNpgsql,
            // including Payment's transaction_type, transaction_status, transaction_direction and
            // payment_method, which this context maps only to read Payment's ledger. Payment's
            // migration creates those types; creating them here too would make whichever service
            // migrates second fail. The model snapshot keeps them, so later migrations do not
            // re-add them (unless one of those enums changes here: strip that again).
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:api_permission", "READ_REPORTS,READ_TRANSACTIONS")
                .Annotation("Npgsql:Enum:rate_limit_unit", "DAY,HOUR,MINUTE");

            migrationBuilder.CreateTable(
                name: "external_services",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    contact_email = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_external_services", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    external_service_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    key_prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key_hash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    permissions = table.Column<ApiPermission[]>(type: "api_permission[]", nullable: false),
                    rate_limit_count = table.Column<int>(type: "integer", nullable: false),
                    rate_limit_unit = table.Column<RateLimitUnit>(type: "rate_limit_unit", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    rotated_from_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rate_limits = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.CheckConstraint("ck_api_keys_permissions_not_empty", "cardinality(permissions) > 0");
                    table.CheckConstraint("ck_api_keys_rate_limit_count_positive", "rate_limit_count > 0");
                    table.CheckConstraint("ck_api_keys_rate_limits_array", "jsonb_typeof(rate_limits) = 'array'");
                    table.ForeignKey(
                        name: "fk_api_keys_api_keys_rotated_from_id",
                        column: x => x.rotated_from_id,
                        principalTable: "api_keys",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_api_keys_external_services_external_service_id",
                        column: x => x.external_service_id,
                        principalTable: "external_services",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_access_logs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    api_key_id = table.Column<Guid>(type: "uuid", nullable: true),
                    external_service_id = table.Column<int>(type: "integer", nullable: true),
                    endpoint = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ip_address = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: false),
                    user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    status_code = table.Column<int>(type: "integer", nullable: false),
                    response_time_ms = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_access_logs", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_access_logs_api_keys_api_key_id",
                        column: x => x.api_key_id,
                        principalTable: "api_keys",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_access_logs_api_key_id_created_at",
                table: "api_access_logs",
                columns: new[] { "api_key_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_api_access_logs_created_at",
                table: "api_access_logs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_external_service_id",
                table: "api_keys",
                column: "external_service_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_rotated_from_id",
                table: "api_keys",
                column: "rotated_from_id");

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_external_services_code",
                table: "external_services",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_external_services_name",
                table: "external_services",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_access_logs");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "external_services");
        }
    }
}
