// Auth publishes its users on onegate.users.v1 through a transactional outbox (auth_outbox_messages; prefixed
// because Payment's outbox_messages lives in the same database). The database writes the events itself: a
// trigger on users adds one outbox row in the same transaction as every INSERT and every UPDATE that changes
// username, phone or is_active, whatever wrote it (the API, EF's ExecuteUpdate, an operator's SQL), so no code
// path can change a user without its event. users.version is the user's change counter (1 at registration,
// +1 per such change, kept by the BEFORE trigger: nothing else may set it); consumers apply an event only when
// its version is newer than what they hold. Events carry what masking needs (id, username, phone, status,
// version): never the e-mail or the password hash. Users registered before this migration get their event
// here, so consumers learn every user.
using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OneGate.Auth.Data.Migrations
{
    /// <inheritdoc />
    public partial class UsersStream : Migration
    {
        /// <summary>The event of a user's current row (NEW): onegate.users.v1, schema version 1.</summary>
        private const string EventPayloadSql = """
            jsonb_build_object(
                'eventId', event_id, 'eventType', event_type, 'version', 1,
                'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'user', jsonb_build_object('userId', u.id, 'username', u.username, 'phone', u.phone,
                    'status', CASE WHEN u.is_active THEN 'ACTIVE' ELSE 'INACTIVE' END, 'version', u.version))
            """;

        private const string UsersEventsSql = $$"""
            CREATE FUNCTION users_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    NEW.version := 1;
                ELSIF (NEW.username, NEW.phone, NEW.is_active) IS DISTINCT FROM (OLD.username, OLD.phone, OLD.is_active) THEN
                    NEW.version := OLD.version + 1;
                ELSE
                    NEW.version := OLD.version;
                END IF;
                RETURN NEW;
            END
            $fn$;

            CREATE FUNCTION users_outbox_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE
                event_id uuid := gen_random_uuid();
                event_type text := CASE TG_OP WHEN 'INSERT' THEN 'user.registered' ELSE 'user.updated' END;
            BEGIN
                INSERT INTO auth_outbox_messages (message_id, topic, message_key, event_type, payload)
                SELECT event_id, 'onegate.users.v1', u.id::text, event_type, {{EventPayloadSql}}
                  FROM (SELECT NEW.*) AS u;
                RETURN NULL;
            END
            $fn$;

            CREATE TRIGGER tr_users_version BEFORE INSERT OR UPDATE ON users
                FOR EACH ROW EXECUTE FUNCTION users_version();
            CREATE TRIGGER tr_users_outbox_insert AFTER INSERT ON users
                FOR EACH ROW EXECUTE FUNCTION users_outbox_event();
            CREATE TRIGGER tr_users_outbox_update AFTER UPDATE ON users
                FOR EACH ROW WHEN (NEW.version <> OLD.version) EXECUTE FUNCTION users_outbox_event();
            """;

        private const string BackfillSql = $$"""
            INSERT INTO auth_outbox_messages (message_id, topic, message_key, event_type, payload)
            SELECT event_id, 'onegate.users.v1', u.id::text, event_type, {{EventPayloadSql}}
              FROM (SELECT users.*, gen_random_uuid() AS event_id, 'user.registered'::text AS event_type FROM users) AS u
             ORDER BY u.id;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "version",
                table: "users",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateTable(
                name: "auth_outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    message_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    event_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_auth_outbox_messages", x => x.id);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_users_version_positive",
                table: "users",
                sql: "version >= 1");

            migrationBuilder.CreateIndex(
                name: "ix_auth_outbox_messages_failed",
                table: "auth_outbox_messages",
                columns: new[] { "message_key", "id" },
                filter: "sent_at IS NULL AND last_error IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_auth_outbox_messages_unsent",
                table: "auth_outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_auth_outbox_messages_message_id",
                table: "auth_outbox_messages",
                column: "message_id",
                unique: true);

            migrationBuilder.Sql(UsersEventsSql);
            migrationBuilder.Sql(BackfillSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tr_users_outbox_update ON users;
                DROP TRIGGER tr_users_outbox_insert ON users;
                DROP TRIGGER tr_users_version ON users;
                DROP FUNCTION users_outbox_event();
                DROP FUNCTION users_version();
                """);

            migrationBuilder.DropTable(
                name: "auth_outbox_messages");

            migrationBuilder.DropCheckConstraint(
                name: "ck_users_version_positive",
                table: "users");

            migrationBuilder.DropColumn(
                name: "version",
                table: "users");
        }
    }
}
