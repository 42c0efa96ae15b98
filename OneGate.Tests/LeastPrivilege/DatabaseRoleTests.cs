using Npgsql;

namespace OneGate.Tests.LeastPrivilege;

/// <summary>
/// Each service reaches Postgres with its own login, which may use only its own service's tables, and only for DML;
/// its migrator owns those tables and nothing else (docs/operations.md, "Least privilege"). Every statement here
/// runs with the connection string the AppHost gives the service, inside a transaction that is rolled back.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class DatabaseRoleTests(OneGateAppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    [Theory]
    [InlineData("transaction", "UPDATE accounts SET balance = balance")]
    [InlineData("transaction", "INSERT INTO outbox_messages (topic, message_key, event_type, payload) VALUES ('x', 'x', 'x', '{}')")]
    [InlineData("transaction", "UPDATE historical_transactions SET description = description")]
    [InlineData("transaction", "DELETE FROM historical_transactions")]
    [InlineData("transaction", "SELECT count(*) FROM users")]
    [InlineData("payment", "SELECT count(*) FROM users")]
    [InlineData("payment", "SELECT count(*) FROM authentications")]
    [InlineData("payment", "SELECT count(*) FROM api_keys")]
    [InlineData("auth", "SELECT count(*) FROM accounts")]
    [InlineData("auth", "SELECT count(*) FROM historical_transactions")]
    [InlineData("auth", "SELECT count(*) FROM api_access_logs")]
    public async Task A_service_login_cannot_touch_another_services_tables(string service, string statement) =>
        await AssertRefusedAsync(await LoginAsync(service), statement);

    [Theory]
    [InlineData("auth", "DROP TABLE users")]
    [InlineData("auth", "ALTER TABLE authentications ADD COLUMN probe integer")]
    [InlineData("payment", "ALTER TABLE accounts ADD COLUMN probe integer")]
    [InlineData("payment", "TRUNCATE historical_transactions")]
    [InlineData("payment", "CREATE TABLE probe (id integer)")]
    [InlineData("transaction", "DROP TABLE api_keys")]
    [InlineData("transaction", "ALTER TYPE api_permission ADD VALUE 'PROBE'")]
    public async Task A_service_login_cannot_change_the_schema_even_of_its_own_tables(string service, string statement) =>
        await AssertRefusedAsync(await LoginAsync(service), statement);

    [Theory]
    [InlineData("payment", "ALTER TABLE users ADD COLUMN probe integer")]
    [InlineData("transaction", "ALTER TABLE accounts ADD COLUMN probe integer")]
    [InlineData("auth", "DROP TABLE api_access_logs")]
    [InlineData("transaction", "ALTER TYPE transaction_status ADD VALUE 'PROBE'")]
    public async Task A_migrator_cannot_change_another_services_schema(string service, string statement) =>
        await AssertRefusedAsync(await MigratorAsync(service), statement);

    [Fact]
    public async Task Transaction_reads_the_ledger_and_its_own_tables()
    {
        await using var db = await OpenAsync(await LoginAsync("transaction"));
        await using var read = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM historical_transactions) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM report_transactions)", db);
        Assert.True((long)(await read.ExecuteScalarAsync())! >= 0);
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
        await using var find = new NpgsqlCommand("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = $1 AND relnamespace = 'public'::regnamespace", admin)
        {
            Parameters = { new() { Value = table } },
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

            await AssertRefusedAsync(await LoginAsync("transaction"), $"SELECT count(*) FROM {table}");
            await AssertRefusedAsync(await LoginAsync("auth"), $"INSERT INTO {table} (note) VALUES ('x')");
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
        foreach (var table in new[] { "users", "accounts", "historical_transactions", "api_keys", "__ef_migrations_payment" })
        {
            await Execute(db, $"SELECT count(*) FROM {table}");
        }

        await AssertRefusedAsync(backup, "UPDATE accounts SET balance = balance");
        await AssertRefusedAsync(backup, "DELETE FROM users");
    }

    private Task<string> LoginAsync(string service) => fixture.ServiceConnectionStringAsync(service, "onegate");

    private Task<string> MigratorAsync(string service) => fixture.ServiceConnectionStringAsync(service, "onegate-migrator");

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
