using Npgsql;

namespace OneGate.Tests.LeastPrivilege;

/// <summary>
/// Each service reaches Postgres with its own login, which may use only its own service's schema, and only for DML;
/// its migrator owns that schema and may create nothing anywhere else (docs/operations.md, "Least privilege"). Every
/// statement here runs with the connection string the AppHost gives the service (or its migrate step), inside a
/// transaction that is rolled back. Other services' tables are named schema-qualified: no login's search path
/// reaches them.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class DatabaseRoleTests(OneGateAppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    [Theory]
    [InlineData("transaction", "UPDATE payment.accounts SET balance = balance")]
    [InlineData("transaction", "SELECT count(*) FROM payment.accounts")]
    [InlineData("transaction", "INSERT INTO payment.outbox_messages (topic, message_key, event_type, payload) VALUES ('x', 'x', 'x', '{}')")]
    [InlineData("transaction", "UPDATE payment.historical_transactions SET description = description")]
    [InlineData("transaction", "DELETE FROM payment.historical_transactions")]
    [InlineData("transaction", "SELECT count(*) FROM auth.users")]
    [InlineData("payment", "SELECT count(*) FROM auth.users")]
    [InlineData("payment", "SELECT count(*) FROM auth.authentications")]
    [InlineData("payment", "SELECT count(*) FROM \"transaction\".api_keys")]
    [InlineData("auth", "SELECT count(*) FROM payment.accounts")]
    [InlineData("auth", "SELECT count(*) FROM payment.historical_transactions")]
    [InlineData("auth", "SELECT count(*) FROM \"transaction\".api_access_logs")]
    public async Task A_service_login_cannot_touch_another_services_tables(string service, string statement) =>
        await AssertRefusedAsync(await LoginAsync(service), statement);

    [Theory]
    [InlineData("auth", "DROP TABLE users")]
    [InlineData("auth", "ALTER TABLE authentications ADD COLUMN probe integer")]
    [InlineData("payment", "ALTER TABLE accounts ADD COLUMN probe integer")]
    [InlineData("payment", "TRUNCATE historical_transactions")]
    [InlineData("transaction", "DROP TABLE api_keys")]
    [InlineData("transaction", "ALTER TYPE api_permission ADD VALUE 'PROBE'")]
    public async Task A_service_login_cannot_change_the_schema_even_of_its_own_tables(string service, string statement) =>
        await AssertRefusedAsync(await LoginAsync(service), statement);

    /// <summary>A running service creates nothing: not in its own schema, not in another's, not in public.</summary>
    [Theory]
    [InlineData("payment", "CREATE TABLE probe (id integer)")]
    [InlineData("payment", "CREATE TABLE payment.probe (id integer)")]
    [InlineData("auth", "CREATE TABLE public.probe (id integer)")]
    [InlineData("auth", "CREATE FUNCTION auth.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    [InlineData("transaction", "CREATE VIEW \"transaction\".probe AS SELECT 1 AS one")]
    [InlineData("transaction", "CREATE TABLE payment.probe (id integer)")]
    [InlineData("transaction", "CREATE FUNCTION public.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    public async Task A_service_login_cannot_create_anything_anywhere(string service, string statement) =>
        await AssertRefusedAsync(await LoginAsync(service), statement);

    [Theory]
    [InlineData("payment", "ALTER TABLE auth.users ADD COLUMN probe integer")]
    [InlineData("transaction", "ALTER TABLE payment.accounts ADD COLUMN probe integer")]
    [InlineData("auth", "DROP TABLE \"transaction\".api_access_logs")]
    [InlineData("transaction", "ALTER TYPE payment.transaction_status ADD VALUE 'PROBE'")]
    public async Task A_migrator_cannot_change_another_services_schema(string service, string statement) =>
        await AssertRefusedAsync(await MigratorAsync(service), statement);

    /// <summary>
    /// The shadowing attack: an exact-type match in a schema on another service's search path (public, once on every
    /// path) is preferred to pg_catalog's lower(text), and runs as that service's login. No migrator may create
    /// anything outside its own schema.
    /// </summary>
    [Theory]
    [InlineData("payment", "CREATE FUNCTION public.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    [InlineData("auth", "CREATE FUNCTION public.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    [InlineData("transaction", "CREATE TABLE public.probe (id integer)")]
    [InlineData("payment", "CREATE FUNCTION auth.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    [InlineData("auth", "CREATE TABLE payment.probe (id integer)")]
    [InlineData("transaction", "CREATE FUNCTION payment.lower(character varying) RETURNS text LANGUAGE sql AS 'SELECT ''probe'''")]
    [InlineData("payment", "CREATE TABLE \"transaction\".probe (id integer)")]
    public async Task A_migrator_cannot_create_outside_its_own_schema(string service, string statement) =>
        await AssertRefusedAsync(await MigratorAsync(service), statement);

    /// <summary>Each login, and each migrator, searches its own schema and nothing else (besides pg_catalog).</summary>
    [Theory]
    [InlineData("auth")]
    [InlineData("payment")]
    [InlineData("transaction")]
    public async Task Each_login_searches_only_its_own_schema(string service)
    {
        foreach (var connectionString in new[] { await LoginAsync(service), await MigratorAsync(service) })
        {
            await using var db = await OpenAsync(connectionString);
            await using var path = new NpgsqlCommand("SELECT current_schemas(false)", db);
            Assert.Equal([service], (string[])(await path.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Transaction_reads_the_ledger_and_its_own_tables()
    {
        await using var db = await OpenAsync(await LoginAsync("transaction"));
        await using var read = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM payment.historical_transactions) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM report_transactions)", db);
        Assert.True((long)(await read.ExecuteScalarAsync())! >= 0);
    }

    /// <summary>Migrations run in a step of their own: no running service process holds a migrator's login.</summary>
    [Theory]
    [InlineData("auth")]
    [InlineData("payment")]
    [InlineData("transaction")]
    public async Task Only_the_migrate_step_gets_the_migrator_login(string service)
    {
        var password = await fixture.ParameterAsync($"postgres-{service}-migrator-password");
        var running = await fixture.ResourceEnvironmentAsync(service);
        Assert.DoesNotContain("ConnectionStrings__onegate-migrator", running.Keys);
        Assert.DoesNotContain(running, v => v.Value.Contains("_migrator", StringComparison.Ordinal) || v.Value.Contains(password, StringComparison.Ordinal));

        var migrate = await fixture.ResourceEnvironmentAsync($"{service}-migrate");
        Assert.Contains($"Username=onegate_{service}_migrator", migrate["ConnectionStrings__onegate-migrator"], StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectionStrings__onegate", migrate.Keys);
    }

    [Theory]
    [InlineData("auth", "users", "onegate_auth_migrator")]
    [InlineData("auth", "__ef_migrations_auth", "onegate_auth_migrator")]
    [InlineData("payment", "accounts", "onegate_payment_migrator")]
    [InlineData("payment", "historical_transactions", "onegate_payment_migrator")]
    [InlineData("transaction", "api_keys", "onegate_transaction_migrator")]
    [InlineData("transaction", "dead_letter_events", "onegate_transaction_migrator")]
    public async Task Each_table_belongs_to_its_services_migrator_and_the_service_is_no_superuser(string service, string table, string owner)
    {
        await using var admin = await OpenAsync(await fixture.DatabaseConnectionStringAsync());
        await using var find = new NpgsqlCommand("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = $1 AND relnamespace = $2::regnamespace", admin)
        {
            Parameters = { new() { Value = table }, new() { Value = service } },
        };
        Assert.Equal(owner, (string?)await find.ExecuteScalarAsync());

        await using var db = await OpenAsync(await LoginAsync(service));
        await using var self = new NpgsqlCommand(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user", db);
        await using var row = await self.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal($"onegate_{service}", row.GetString(0));
        Assert.False(row.GetBoolean(1) || row.GetBoolean(2) || row.GetBoolean(3), $"onegate_{service} has superuser, createrole or createdb");
    }

    /// <summary>Default privileges: a table a later migration adds is usable by its service at once, and by no other.</summary>
    [Fact]
    public async Task A_table_a_migrator_creates_later_is_open_to_its_service_only()
    {
        var table = $"lp_probe_{Guid.NewGuid():N}";
        await using var migrator = await OpenAsync(await MigratorAsync("payment"));
        await Execute(migrator, $"CREATE TABLE {table} (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)");
        try
        {
            await using (var payment = await OpenAsync(await LoginAsync("payment")))
            {
                await Execute(payment, $"INSERT INTO {table} (note) VALUES ('written by payment')");
                await Execute(payment, $"UPDATE {table} SET note = 'updated'");
                await Execute(payment, $"DELETE FROM {table}");
            }

            await AssertRefusedAsync(await LoginAsync("transaction"), $"SELECT count(*) FROM payment.{table}");
            await AssertRefusedAsync(await LoginAsync("auth"), $"INSERT INTO payment.{table} (note) VALUES ('x')");
            await AssertRefusedAsync(await LoginAsync("payment"), $"DROP TABLE {table}");
        }
        finally
        {
            await Execute(migrator, $"DROP TABLE {table}");
        }
    }

    [Fact]
    public async Task The_backup_role_reads_every_table_and_writes_none()
    {
        var admin = new NpgsqlConnectionStringBuilder(await fixture.DatabaseConnectionStringAsync());
        var backup = new NpgsqlConnectionStringBuilder(admin.ConnectionString)
        {
            Username = "onegate_backup",
            Password = await fixture.ParameterAsync("postgres-backup-password"),
        }.ConnectionString;
        await using var db = await OpenAsync(backup);
        foreach (var table in new[] { "auth.users", "payment.accounts", "payment.historical_transactions", "\"transaction\".api_keys", "payment.__ef_migrations_payment" })
        {
            await Execute(db, $"SELECT count(*) FROM {table}");
        }

        await AssertRefusedAsync(backup, "UPDATE payment.accounts SET balance = balance");
        await AssertRefusedAsync(backup, "DELETE FROM auth.users");
    }

    private Task<string> LoginAsync(string service) => fixture.ServiceConnectionStringAsync(service, "onegate");

    private Task<string> MigratorAsync(string service) => fixture.ServiceConnectionStringAsync($"{service}-migrate", "onegate-migrator");

    private static async Task AssertRefusedAsync(string connectionString, string statement)
    {
        await using var db = await OpenAsync(connectionString);
        await using var transaction = await db.BeginTransactionAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(statement, db, transaction).ExecuteNonQueryAsync());
        Assert.True(refused.SqlState == InsufficientPrivilege, $"{statement}: {refused.SqlState} {refused.MessageText}");
        await transaction.RollbackAsync();
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = OneGateAppFixture.TestSessionName }.ConnectionString);
        await db.OpenAsync();
        return db;
    }

    private static async Task Execute(NpgsqlConnection db, string statement)
    {
        await using var command = new NpgsqlCommand(statement, db);
        await command.ExecuteNonQueryAsync();
    }
}
