// Auth's objects move from the shared public schema into schema auth, owned by Auth's migrator (docs/operations.md,
// "Least privilege"). Databases created after this change already have them there (the migrate command pins the
// search path to auth, so earlier migrations create them in auth): the move skips what public does not have. The
// history table has moved before this runs (MigrateCommand), or EF would not find it. The trigger functions pin
// their search path: they name auth's tables unqualified, and whoever fires them must not change what they mean.
using Microsoft.EntityFrameworkCore.Migrations;
using OneGate.ServiceDefaults.Data;

#nullable disable

namespace OneGate.Auth.Data.Migrations
{
    /// <inheritdoc />
    public partial class ServiceSchemas : Migration
    {
        private static readonly (SchemaObject, string)[] Objects =
        [
            (SchemaObject.Table, "__ef_migrations_auth"),
            (SchemaObject.Table, "users"),
            (SchemaObject.Table, "authentications"),
            (SchemaObject.Table, "auth_outbox_messages"),
            (SchemaObject.Function, "users_version"),
            (SchemaObject.Function, "users_outbox_event"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(name: "auth");
            migrationBuilder.Sql(SchemaMove.Sql("public", "auth", Objects));
            migrationBuilder.Sql("""
                ALTER FUNCTION auth.users_version() SET search_path = auth, pg_temp;
                ALTER FUNCTION auth.users_outbox_event() SET search_path = auth, pg_temp;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Needs CREATE on public, which only the bootstrap superuser still has.
            migrationBuilder.Sql("""
                ALTER FUNCTION auth.users_version() RESET search_path;
                ALTER FUNCTION auth.users_outbox_event() RESET search_path;
                """);
            migrationBuilder.Sql(SchemaMove.Sql("auth", "public", Objects));
        }
    }
}
