using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class OneSuccessorPerKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_api_keys_rotated_from_id",
                schema: "transaction",
                table: "api_keys");

            migrationBuilder.AddColumn<Guid>(
                name: "lineage_id",
                schema: "transaction",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            // Keys rotated before this migration: each successor joins its chain's first key.
            migrationBuilder.Sql("""
                WITH RECURSIVE chain(id, root) AS (
                    SELECT id, id FROM transaction.api_keys WHERE rotated_from_id IS NULL
                    UNION ALL
                    SELECT k.id, c.root FROM transaction.api_keys k JOIN chain c ON k.rotated_from_id = c.id)
                UPDATE transaction.api_keys k SET lineage_id = c.root FROM chain c WHERE k.id = c.id AND k.rotated_from_id IS NOT NULL
                """);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_rotated_from_id",
                schema: "transaction",
                table: "api_keys",
                column: "rotated_from_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_api_keys_rotated_from_id",
                schema: "transaction",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "lineage_id",
                schema: "transaction",
                table: "api_keys");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_rotated_from_id",
                schema: "transaction",
                table: "api_keys",
                column: "rotated_from_id");
        }
    }
}
