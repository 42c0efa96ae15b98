// Payment's objects move from the shared public schema into schema payment, owned by Payment's migrator
// (docs/operations.md, "Least privilege"). Databases created after this change already have them there (the migrate
// command pins the search path to payment, so earlier migrations create them in payment): the move skips what
// public does not have. The history table has moved before this runs (MigrateCommand), or EF would not find it.
// Transaction reads the ledger (LedgerReaders) by its qualified name, payment.historical_transactions: its readers
// need USAGE on the schema too, and Payment, the owner, grants it.
using Microsoft.EntityFrameworkCore.Migrations;
using OneGate.ServiceDefaults.Data;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class ServiceSchemas : Migration
    {
        private static readonly (SchemaObject, string)[] Objects =
        [
            (SchemaObject.Table, "__ef_migrations_payment"),
            (SchemaObject.Table, "accounts"),
            (SchemaObject.Table, "historical_transactions"),
            (SchemaObject.Table, "outbox_messages"),
            (SchemaObject.Table, "idempotency_keys"),
            (SchemaObject.Table, "top_up_charges"),
            (SchemaObject.Table, "top_up_refunds"),
            (SchemaObject.Type, "account_status"),
            (SchemaObject.Type, "payment_method"),
            (SchemaObject.Type, "transaction_direction"),
            (SchemaObject.Type, "transaction_status"),
            (SchemaObject.Type, "transaction_type"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(name: "payment");
            migrationBuilder.Sql(SchemaMove.Sql("public", "payment", Objects));
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_ledger_reader') THEN
                    GRANT USAGE ON SCHEMA payment TO onegate_ledger_reader;
                  END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Needs CREATE on public, which only the bootstrap superuser still has.
            migrationBuilder.Sql(SchemaMove.Sql("payment", "public", Objects));
        }
    }
}
