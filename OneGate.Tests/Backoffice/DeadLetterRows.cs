using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Backoffice;

/// <summary>Dead letters set up as rows holding a valid event the consumer never applied, and the checks on them.</summary>
public sealed class DeadLetterRows(OneGateAppFixture fixture)
{
    private const string Topic = "onegate.transactions.v1";

    public sealed record Letter(long Id, Guid EventId, string TransactionId, DateOnly ReportDate);

    /// <summary>A dead letter holding a valid, never applied PAYMENT event alone on its report date (so its total shows a double count).</summary>
    public async Task<Letter> DeadLetterAsync()
    {
        var eventId = Guid.NewGuid();
        var transactionId = "TRX-DL-" + Guid.NewGuid().ToString("N")[..16];
        var createdAt = new DateTimeOffset(2001, 1, 1, 5, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 7000));
        var payload = JsonSerializer.Serialize(new
        {
            eventId, eventType = "transaction.committed", version = 1,
            transaction = new
            {
                transactionId, userId = 1, type = "PAYMENT", status = "SUCCESS", direction = "DEBIT", amount = 1234.50m, paymentMethod = (string?)null,
                isAccessibleExternal = true, createdAt, updatedAt = createdAt,
            },
        });
        var id = (long)(await ScalarAsync("""
            INSERT INTO transaction.dead_letter_events (topic, partition, "offset", message_key, payload, error)
            VALUES ($1, 0, 0, 'dead-letter-admin-test', $2, 'test: never applied') RETURNING id
            """, Topic, payload));
        return new Letter(id, eventId, transactionId, DateOnly.FromDateTime(createdAt.ToOffset(TimeSpan.FromHours(7)).DateTime));
    }

    /// <summary>The event reached the report once: its inbox row, its transaction, and a total of one on its date; the letter gone.</summary>
    public async Task AppliedOnceAsync(Letter letter)
    {
        await Eventually.HoldsAsync(async () => (long)await ScalarAsync("SELECT count(*) FROM transaction.processed_events WHERE event_id = $1", letter.EventId) == 1L,
            TimeSpan.FromSeconds(30), "the replayed event applied");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second delivery, if any, would be consumed by now
        Assert.Equal(1L, await ScalarAsync("SELECT coalesce(sum(count), 0)::bigint FROM transaction.daily_report_totals WHERE report_date = $1", letter.ReportDate));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transaction.report_transactions WHERE transaction_id = $1", letter.TransactionId));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM transaction.dead_letter_events WHERE id = $1 OR payload LIKE '%' || $2 || '%'", letter.Id, letter.TransactionId));
    }

    public async Task DeleteAsync(long id) => await ScalarAsync("DELETE FROM transaction.dead_letter_events WHERE id = $1 RETURNING 0::bigint", id);

    public async Task<object> ScalarAsync(string sql, params object[] values)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (await command.ExecuteScalarAsync())!;
    }
}
