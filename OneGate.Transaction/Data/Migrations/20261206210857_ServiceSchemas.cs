// Transaction's objects move from the shared public schema into schema "transaction", owned by Transaction's migrator
// (docs/operations.md, "Least privilege"). Databases created after this change already have them there (the migrate
// command pins the search path to transaction, so earlier migrations create them there): the move skips what public
// does not have. The history table has moved before this runs (MigrateCommand), or EF would not find it. Payment's
// ledger and enums, which this service reads, are Payment's to move (its own ServiceSchemas).
using Microsoft.EntityFrameworkCore.Migrations;
using OneGate.ServiceDefaults.Data;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class ServiceSchemas : Migration
    {
        private static readonly (SchemaObject, string)[] Objects =
        [
            (SchemaObject.Table, "__ef_migrations_transaction"),
            (SchemaObject.Table, "external_services"),
            (SchemaObject.Table, "api_keys"),
            (SchemaObject.Table, "api_access_logs"),
            (SchemaObject.Table, "processed_events"),
            (SchemaObject.Table, "report_transactions"),
            (SchemaObject.Table, "daily_report_totals"),
            (SchemaObject.Table, "dead_letter_events"),
            (SchemaObject.Table, "masked_users"),
            (SchemaObject.Type, "api_permission"),
            (SchemaObject.Type, "rate_limit_unit"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(name: "transaction");
            migrationBuilder.Sql(SchemaMove.Sql("public", "transaction", Objects));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Needs CREATE on public, which only the bootstrap superuser still has.
            migrationBuilder.Sql(SchemaMove.Sql("transaction", "public", Objects));
        }
    }
}
