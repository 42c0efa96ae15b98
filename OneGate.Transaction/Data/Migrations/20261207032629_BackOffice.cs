// The back office (docs/backoffice.md, "Transaction's back office"): Transaction's own append-only audit chain,
// transaction.audit_events, with the protections of Auth's and Payment's: the service's login may INSERT and SELECT it,
// nothing else (revoked here, and again by postgres-roles.sql after its start-up grants), and a trigger refuses UPDATE,
// DELETE and TRUNCATE for everyone, the owner included. Regulator services gain the permissions and rate limits their
// new keys get by default (existing services: both permissions and the seed's limits, as the keys command gave them).
using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackOffice : Migration
    {
        private const string AppendOnlySql = """
            CREATE FUNCTION transaction.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $fn$;

            CREATE TRIGGER tr_audit_events_append_only BEFORE UPDATE OR DELETE ON transaction.audit_events
                FOR EACH ROW EXECUTE FUNCTION transaction.audit_events_append_only();
            CREATE TRIGGER tr_audit_events_no_truncate BEFORE TRUNCATE ON transaction.audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION transaction.audit_events_append_only();

            DO $grants$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_transaction') THEN
                    REVOKE UPDATE, DELETE, TRUNCATE ON transaction.audit_events FROM onegate_transaction;
                END IF;
            END
            $grants$;
            """;

        // Existing services' defaults: what `keys create` gave their keys (RateLimitDefaults); then no column default.
        private const string ServiceDefaultsSql = """
            UPDATE transaction.external_services
               SET rate_limits = CASE code WHEN 'OJK'
                       THEN '[{"unit":"MINUTE","limit":200},{"unit":"HOUR","limit":2000},{"unit":"DAY","limit":20000}]'::jsonb
                       ELSE '[{"unit":"MINUTE","limit":100},{"unit":"HOUR","limit":1000},{"unit":"DAY","limit":10000}]'::jsonb END;
            ALTER TABLE transaction.external_services ALTER COLUMN permissions DROP DEFAULT, ALTER COLUMN rate_limits DROP DEFAULT;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<ApiPermission[]>(
                name: "permissions",
                schema: "transaction",
                table: "external_services",
                type: "transaction.api_permission[]",
                nullable: false,
                defaultValueSql: "'{READ_TRANSACTIONS,READ_REPORTS}'::transaction.api_permission[]");

            migrationBuilder.AddColumn<string>(
                name: "rate_limits",
                schema: "transaction",
                table: "external_services",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.CreateTable(
                name: "audit_events",
                schema: "transaction",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    actor_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    actor_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    actor_role = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    target_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    target_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    before = table.Column<string>(type: "json", nullable: true),
                    after = table.Column<string>(type: "json", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    client_address = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                    table.CheckConstraint("ck_audit_events_hash_length", "octet_length(hash) = 32");
                    table.CheckConstraint("ck_audit_events_id_positive", "id >= 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_actor",
                schema: "transaction",
                table: "audit_events",
                columns: new[] { "actor_type", "actor_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_target",
                schema: "transaction",
                table: "audit_events",
                columns: new[] { "target_type", "target_id", "id" });

            migrationBuilder.Sql(ServiceDefaultsSql);
            migrationBuilder.Sql(AppendOnlySql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events",
                schema: "transaction");

            migrationBuilder.Sql("DROP FUNCTION transaction.audit_events_append_only();");

            migrationBuilder.DropColumn(
                name: "permissions",
                schema: "transaction",
                table: "external_services");

            migrationBuilder.DropColumn(
                name: "rate_limits",
                schema: "transaction",
                table: "external_services");
        }
    }
}
