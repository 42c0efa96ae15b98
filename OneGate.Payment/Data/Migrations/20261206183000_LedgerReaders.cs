using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Payment.Data.Migrations
{
    /// <summary>
    /// The ledger's readers (docs/operations.md, "Least privilege"): the Transaction service reads
    /// historical_transactions through the onegate_ledger_reader role, and only reads it. Payment's migrator owns the
    /// table, so the grant is made here, by the owner. Skipped where that role does not exist (a database without the
    /// least-privilege roles, where everything connects as one user).
    /// </summary>
    public partial class LedgerReaders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_ledger_reader') THEN
                    GRANT SELECT ON historical_transactions TO onegate_ledger_reader;
                  END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_ledger_reader') THEN
                    REVOKE SELECT ON historical_transactions FROM onegate_ledger_reader;
                  END IF;
                END
                $$;
                """);
        }
    }
}
