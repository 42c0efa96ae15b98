// The back office (docs/backoffice.md): Payment's own append-only audit chain, payment.audit_events, with the same
// protections as Auth's: the service's login may INSERT and SELECT it, nothing else (revoked here, and again by
// postgres-roles.sql after its start-up grants), and a trigger refuses UPDATE, DELETE and TRUNCATE for everyone, the
// owner included. Stranded refunds gain RESOLVED (an operator settled it otherwise) with the operator's note.
using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackOffice : Migration
    {
        private const string AppendOnlySql = """
            CREATE FUNCTION payment.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $fn$;

            CREATE TRIGGER tr_audit_events_append_only BEFORE UPDATE OR DELETE ON payment.audit_events
                FOR EACH ROW EXECUTE FUNCTION payment.audit_events_append_only();
            CREATE TRIGGER tr_audit_events_no_truncate BEFORE TRUNCATE ON payment.audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION payment.audit_events_append_only();

            DO $grants$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_payment') THEN
                    REVOKE UPDATE, DELETE, TRUNCATE ON payment.audit_events FROM onegate_payment;
                END IF;
            END
            $grants$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_top_up_refunds_status",
                schema: "payment",
                table: "top_up_refunds");

            migrationBuilder.AddColumn<string>(
                name: "resolution_note",
                schema: "payment",
                table: "top_up_refunds",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_events",
                schema: "payment",
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

            migrationBuilder.AddCheckConstraint(
                name: "ck_top_up_refunds_status",
                schema: "payment",
                table: "top_up_refunds",
                sql: "status IN ('PENDING', 'REFUNDED', 'RESOLVED')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_actor",
                schema: "payment",
                table: "audit_events",
                columns: new[] { "actor_type", "actor_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_target",
                schema: "payment",
                table: "audit_events",
                columns: new[] { "target_type", "target_id", "id" });

            migrationBuilder.Sql(AppendOnlySql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events",
                schema: "payment");

            migrationBuilder.Sql("DROP FUNCTION payment.audit_events_append_only();");

            migrationBuilder.DropCheckConstraint(
                name: "ck_top_up_refunds_status",
                schema: "payment",
                table: "top_up_refunds");

            migrationBuilder.DropColumn(
                name: "resolution_note",
                schema: "payment",
                table: "top_up_refunds");

            migrationBuilder.AddCheckConstraint(
                name: "ck_top_up_refunds_status",
                schema: "payment",
                table: "top_up_refunds",
                sql: "status IN ('PENDING', 'REFUNDED')");
        }
    }
}
