// masked_users: what this service knows of Auth's users, from onegate.users.v1 (Auth's outbox). Only the
// contract's masks are stored (never a username or phone), with the version of the user's state they come from:
// an event is applied only when its version is newer. Not named users: Auth's users table is in this database.
using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class MaskedUsers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "masked_users",
                columns: table => new
                {
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    masked_username = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    masked_phone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_masked_users", x => x.user_id);
                    table.CheckConstraint("ck_masked_users_version_positive", "version >= 1");
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "masked_users");
        }
    }
}
