using Npgsql;

namespace OneGate.Tests.Audit;

/// <summary>
/// audit_events is append-only for everyone the application connects as: Auth's login may insert and read, never
/// change or remove; even its migrator (the owner) meets the append-only trigger. Every statement runs in a
/// transaction that is rolled back.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class AuditPrivilegeTests(OneGateAppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    [Theory]
    [InlineData("onegate", "UPDATE audit_events SET reason = 'rewritten'")]
    [InlineData("onegate", "DELETE FROM audit_events")]
    [InlineData("onegate", "TRUNCATE audit_events")]
    [InlineData("onegate-migrator", "UPDATE audit_events SET reason = 'rewritten'")]
    [InlineData("onegate-migrator", "DELETE FROM audit_events")]
    [InlineData("onegate-migrator", "TRUNCATE audit_events")]
    public async Task Auths_logins_cannot_change_or_remove_audit_events(string connection, string statement)
    {
        await using var db = await OpenAsync(connection);
        await using var transaction = await db.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(statement, db, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Auths_login_can_append_and_read_audit_events()
    {
        await using var db = await OpenAsync("onegate");
        await using var transaction = await db.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO audit_events (id, occurred_at, actor_type, action, hash)
            SELECT coalesce(max(id), 0) + 1, now(), 'SYSTEM', 'probe', sha256('probe') FROM audit_events
            """, db, transaction);

        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync(string name)
    {
        // The migrator's login is given only to the migrate step, never to the running service.
        var resource = name == "onegate-migrator" ? "auth-migrate" : "auth";
        var db = new NpgsqlConnection(await fixture.ServiceConnectionStringAsync(resource, name));
        await db.OpenAsync();
        return db;
    }
}
