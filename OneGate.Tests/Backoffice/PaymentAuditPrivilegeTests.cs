using Npgsql;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// payment.audit_events is append-only like Auth's: Payment's login may insert and read, never change or remove; its
/// migrator (the owner) meets the append-only trigger. Every statement runs in a transaction that is rolled back.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class PaymentAuditPrivilegeTests(OneGateAppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    private const string ProbeInsert = """
        INSERT INTO payment.audit_events (id, occurred_at, actor_type, action, hash)
        SELECT coalesce(max(id), 0) + 1, now(), 'SYSTEM', 'probe', sha256('probe') FROM payment.audit_events
        """;

    [Theory]
    [InlineData("onegate", "UPDATE payment.audit_events SET reason = 'rewritten'")]
    [InlineData("onegate", "DELETE FROM payment.audit_events")]
    [InlineData("onegate", "TRUNCATE payment.audit_events")]
    [InlineData("onegate-migrator", "UPDATE payment.audit_events SET reason = 'rewritten'")]
    [InlineData("onegate-migrator", "DELETE FROM payment.audit_events")]
    [InlineData("onegate-migrator", "TRUNCATE payment.audit_events")]
    public async Task Payments_logins_cannot_change_or_remove_audit_events(string connection, string statement)
    {
        await using var db = await OpenAsync(connection);
        await using var transaction = await db.BeginTransactionAsync();
        // A row to change: the append-only trigger is per row, and the table may still be empty.
        await using (var probe = new NpgsqlCommand(ProbeInsert, db, transaction))
        {
            await probe.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(statement, db, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Payments_login_can_append_and_read_its_audit_events()
    {
        await using var db = await OpenAsync("onegate");
        await using var transaction = await db.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(ProbeInsert, db, transaction);

        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync(string name)
    {
        var resource = name == "onegate-migrator" ? "payment-migrate" : "payment";
        var db = new NpgsqlConnection(await fixture.ServiceConnectionStringAsync(resource, name));
        await db.OpenAsync();
        return db;
    }
}
