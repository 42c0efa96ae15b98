// Auth's initial schema: users and authentications (refresh-token sessions).
// ERD slips resolved here:
// - User id type: users.id is integer GENERATED ALWAYS AS IDENTITY (the ERD's serial), and the
//   same integer is the user id in every service; authentications.user_id is a plain integer
//   foreign key, not a second serial.
// - authentications.token (the 512-char primary key) stores the SHA-256 hash of the refresh
//   token, never the token.
// - Case-insensitive uniqueness of username and email: unique expression indexes on lower(...),
//   created below with raw SQL because EF cannot model them.
// - No cross-service foreign keys: Payment's accounts/ledger reference users.id by value only.
using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OneGate.Auth.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    username = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    email = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.CheckConstraint("ck_users_phone_normalised", "phone ~ '^\\+628[0-9]+$'");
                });

            migrationBuilder.CreateTable(
                name: "authentications",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    family_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    replaced_by = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    ip_address = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_authentications", x => x.token);
                    table.CheckConstraint("ck_authentications_expiry_after_creation", "expires_at > created_at");
                    table.ForeignKey(
                        name: "fk_authentications_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_authentications_family_id",
                table: "authentications",
                column: "family_id");

            migrationBuilder.CreateIndex(
                name: "ix_authentications_session_id",
                table: "authentications",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_authentications_user_id",
                table: "authentications",
                column: "user_id");

            // Unique ignoring case; the names are what the service maps to 409 USERNAME_TAKEN /
            // EMAIL_TAKEN. Not in the EF model (expression indexes), so no later migration drops
            // them; dropping users (Down) drops them too.
            migrationBuilder.Sql("CREATE UNIQUE INDEX ux_users_username ON users (lower(username));");
            migrationBuilder.Sql("CREATE UNIQUE INDEX ux_users_email ON users (lower(email));");

            migrationBuilder.CreateIndex(
                name: "ux_users_phone",
                table: "users",
                column: "phone",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "authentications");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
