using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneGate.Transaction.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccessLogClientIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The writer makes each row's id (a version 7 UUID, when the row is queued), so a batch written again after
            // a lost commit acknowledgement skips the rows it already wrote (ON CONFLICT (id) DO NOTHING). Existing rows
            // get UUIDs of the same shape in the same order: created_at's milliseconds, version 7, variant, the old id.
            migrationBuilder.Sql("""
                ALTER TABLE api_access_logs DROP CONSTRAINT pk_api_access_logs;
                ALTER TABLE api_access_logs ALTER COLUMN id DROP IDENTITY;
                ALTER TABLE api_access_logs ALTER COLUMN id TYPE uuid USING (
                    lpad(to_hex((extract(epoch FROM created_at) * 1000)::bigint), 12, '0') || '7000' || '8000' || lpad(to_hex(id), 12, '0'))::uuid;
                ALTER TABLE api_access_logs ADD CONSTRAINT pk_api_access_logs PRIMARY KEY (id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // New bigint ids (the identity numbers the existing rows); the UUIDs are not kept.
            migrationBuilder.Sql("""
                ALTER TABLE api_access_logs DROP CONSTRAINT pk_api_access_logs;
                ALTER TABLE api_access_logs DROP COLUMN id;
                ALTER TABLE api_access_logs ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
                ALTER TABLE api_access_logs ADD CONSTRAINT pk_api_access_logs PRIMARY KEY (id);
                """);
        }
    }
}
