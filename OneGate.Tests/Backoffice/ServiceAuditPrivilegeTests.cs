using Npgsql;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// payment.audit_events and transaction.audit_events are append-only like Auth's: the service's login may insert and
/// read, never change or remove; its migrator (the owner) meets the append-only trigger. Every statement runs in a
/// transaction that is rolled back.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class ServiceAuditPrivilegeTests(OneGateAppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    public static TheoryData<string, string, string> Refused()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var service in new[] { "payment", "transaction" })
        {
            foreach (var login in new[] { "onegate", "onegate-migrator" })
            {
                foreach (var statement in new[] { "UPDATE {0}.audit_events SET reason = 'rewritten'", "DELETE FROM {0}.audit_events", "TRUNCATE {0}.audit_events" })
                {
                    data.Add(service, login, string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, service));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_services_logins_cannot_change_or_remove_its_audit_events(string service, string connection, string statement)
    {
        await using var db = await OpenAsync(service, connection);
        await using var transaction = await db.BeginTransactionAsync();
        // A row to change: the append-only trigger is per row, and the table may still be empty.
        await using (var probe = new NpgsqlCommand(ProbeInsert(service), db, transaction))
        {
            await probe.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(statement, db, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
        // The trigger raises 42501 too: the service's login must be stopped by the missing grant, before any trigger.
        if (connection == "onegate")
        {
            Assert.StartsWith("permission denied for table", refused.MessageText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("payment", "UPDATE")]
    [InlineData("payment", "DELETE")]
    [InlineData("payment", "TRUNCATE")]
    [InlineData("transaction", "UPDATE")]
    [InlineData("transaction", "DELETE")]
    [InlineData("transaction", "TRUNCATE")]
    public async Task A_services_login_holds_no_privilege_to_change_or_remove_its_audit_events(string service, string privilege)
    {
        await using var db = await OpenAsync(service, "onegate");
        await using var command = new NpgsqlCommand($"SELECT has_table_privilege(current_user, '{service}.audit_events', '{privilege}')", db);

        Assert.False((bool)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("transaction")]
    public async Task A_services_login_can_append_and_read_its_audit_events(string service)
    {
        await using var db = await OpenAsync(service, "onegate");
        await using var transaction = await db.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(ProbeInsert(service), db, transaction);

        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }

    private static string ProbeInsert(string schema) => $"""
        INSERT INTO {schema}.audit_events (id, occurred_at, actor_type, action, hash)
        SELECT coalesce(max(id), 0) + 1, now(), 'SYSTEM', 'probe', sha256('probe') FROM {schema}.audit_events
        """;

    private async Task<NpgsqlConnection> OpenAsync(string service, string name)
    {
        var resource = name == "onegate-migrator" ? service + "-migrate" : service;
        var db = new NpgsqlConnection(await fixture.ServiceConnectionStringAsync(resource, name));
        await db.OpenAsync();
        return db;
    }
}
