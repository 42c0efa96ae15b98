using Npgsql;

namespace OneGate.Tests.Audit;

/// <summary>One row of <c>audit_events</c> as the database holds it (text as stored, the hash as bytes).</summary>
public sealed record AuditRow(long Id, DateTime OccurredAt, string?[] Fields, byte[] Hash)
{
    public string ActorType => Fields[2]!;

    public string? ActorId => Fields[3];

    public string Action => Fields[6]!;

    public string? TargetType => Fields[7];

    public string? TargetId => Fields[8];

    public string? After => Fields[10];

    public string? ClientAddress => Fields[12];

    public string? TraceId => Fields[13];

    /// <summary>Reads rows of Auth's audit_events with the bootstrap superuser's connection (tests only).</summary>
    public static Task<List<AuditRow>> ReadAsync(OneGateAppFixture fixture, string where, params object[] values) =>
        ReadFromAsync(fixture, "audit_events", where, values);

    /// <summary>Reads rows of one service's audit table, e.g. <c>payment.audit_events</c>.</summary>
    public static async Task<List<AuditRow>> ReadFromAsync(OneGateAppFixture fixture, string table, string where, params object[] values)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var read = new NpgsqlCommand(
            $"""
            SELECT id, occurred_at, actor_type, actor_id, actor_name, actor_role, action, target_type, target_id,
                   before::text, after::text, reason, client_address, trace_id, hash
              FROM {table} WHERE {where} ORDER BY id
            """, db);
        foreach (var value in values)
        {
            read.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var rows = new List<AuditRow>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            var at = reader.GetDateTime(1);
            var fields = new string?[14];
            fields[0] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields[1] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 2; i < 14; i++)
            {
                fields[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }

            rows.Add(new AuditRow(id, at, fields, (byte[])reader[14]));
        }

        return rows;
    }

    /// <summary>Sets a row's reason as the superuser, past the append-only trigger (replica mode skips ordinary triggers).</summary>
    public static async Task TamperReasonAsync(OneGateAppFixture fixture, long id, string reasonSql)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var transaction = await db.BeginTransactionAsync();
        await using (var replica = new NpgsqlCommand("SET LOCAL session_replication_role = replica", db, transaction))
        {
            await replica.ExecuteNonQueryAsync();
        }

        await using (var update = new NpgsqlCommand($"UPDATE audit_events SET reason = {reasonSql} WHERE id = $1", db, transaction) { Parameters = { new() { Value = id } } })
        {
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await transaction.CommitAsync();
    }
}
