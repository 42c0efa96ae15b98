// Back-office operators (docs/backoffice.md, "Operators"): identities separate from users, with an Argon2id
// password, an encrypted TOTP secret and the roles that decide what they may do. The first is created by
// `OneGate.Auth operators bootstrap`, later ones by admins.
using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OneGate.Auth.Data.Migrations
{
    /// <inheritdoc />
    public partial class Operators : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "operators",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    username = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    totp_secret = table.Column<byte[]>(type: "bytea", nullable: false),
                    totp_last_step = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    roles = table.Column<List<string>>(type: "varchar(20)[]", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                    table.CheckConstraint("ck_operators_roles", "cardinality(roles) >= 1 AND roles <@ ARRAY['SUPPORT','OPERATIONS','COMPLIANCE','ADMIN']::varchar(20)[]");
                    table.CheckConstraint("ck_operators_username_lower", "username = lower(username)");
                    table.ForeignKey(
                        name: "fk_operators_created_by",
                        column: x => x.created_by,
                        principalTable: "operators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_operators_created_by",
                table: "operators",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ux_operators_username",
                table: "operators",
                column: "username",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "operators");
        }
    }
}
