using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

/// <summary>
/// The outbox relay when publishing fails: an account whose event Kafka refuses waits alone (its later events
/// behind it, in order) while every other account's events go on; and a relay that fails lets go of the
/// advisory lock, so another replica can lead. Failures are injected as rows of an account of their own: an
/// event larger than the producer's message.max.bytes (refused before it reaches the broker, every time).
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class OutboxRelayFailureTests(OneGateAppFixture fixture)
{
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // OutboxRelay's advisory lock
    private const string Topic = "onegate.transactions.v1";

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task An_account_whose_event_Kafka_refuses_holds_back_only_its_own_later_events()
    {
        var failing = $"test-refused-{Guid.NewGuid():N}";
        await using var db = await OpenAsync();
        try
        {
            // More later events than a relay batch: the oldest rows unsent are all the failing account's.
            await InsertAsync(db, failing, later: 250);
            await Task.Delay(TimeSpan.FromSeconds(1)); // the relay meets the refused event first

            var user = await TestUsers.RegisterAndLoginAsync(auth);
            var topUp = await payment.TopUpAsync(user, 50_000m);
            Assert.True(topUp.Status == HttpStatusCode.Created, topUp.Body);
            var account = await AccountOfAsync(db, user.Id);
            Assert.True(await AllSentWithinAsync(db, account, TimeSpan.FromSeconds(15)), "another account's event waited behind the refused one");

            // The refused event is retried, not skipped, and says why; nothing of its account went past it.
            await using var state = new NpgsqlCommand("""
                SELECT count(*) FILTER (WHERE sent_at IS NOT NULL), min(attempts) FILTER (WHERE last_error IS NOT NULL),
                       bool_or(last_error ILIKE '%too large%')
                  FROM outbox_messages WHERE message_key = $1
                """, db) { Parameters = { new() { Value = failing } } };
            await using var row = await state.ExecuteReaderAsync();
            await row.ReadAsync();
            Assert.Equal(0L, row.GetInt64(0));
            Assert.True(!row.IsDBNull(1) && row.GetInt32(1) >= 1, "the refused event's failure was not recorded");
            Assert.True(row.GetBoolean(2), "last_error does not name the refusal");
        }
        finally
        {
            await DeleteAsync(db, failing);
        }
    }

    [Fact]
    public async Task A_relay_that_fails_releases_its_lock_within_seconds()
    {
        var failing = $"test-unrecordable-{Guid.NewGuid():N}";
        await using var db = await OpenAsync();
        Assert.True(await TryTakeLockWithinAsync(db, TimeSpan.Zero) is false, "the relay was not leading before the failure");
        try
        {
            // The refused event's failure cannot be written either: the relay's own error path, not one account's.
            await ExecuteAsync(db, $"""
                CREATE FUNCTION test_refuse_{failing.Replace('-', '_')}() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
                CREATE TRIGGER test_refuse_{failing.Replace('-', '_')} BEFORE UPDATE ON outbox_messages FOR EACH ROW
                  WHEN (OLD.message_key = '{failing}') EXECUTE FUNCTION test_refuse_{failing.Replace('-', '_')}();
                """);
            await InsertAsync(db, failing, later: 0);

            // Failing and backing off, the relay holds the lock only while it tries: the rest of the time it is free.
            // (A session put back in the pool keeps a session lock until the pool reuses it, which may be never.)
            var held = await LockHeldFractionAsync(db, TimeSpan.FromSeconds(4));
            Assert.True(held < 0.25, $"the failing relay held the lock {held:P0} of the time");
            Assert.True(await TryTakeLockWithinAsync(db, TimeSpan.FromSeconds(5)), "the failing relay kept the advisory lock");
            await ExecuteAsync(db, $"SELECT pg_advisory_unlock({RelayLockKey})");
        }
        finally
        {
            await ExecuteAsync(db, $"""
                DROP TRIGGER IF EXISTS test_refuse_{failing.Replace('-', '_')} ON outbox_messages;
                DROP FUNCTION IF EXISTS test_refuse_{failing.Replace('-', '_')}();
                """);
            await DeleteAsync(db, failing);
        }

        // And it leads again once the failure is gone.
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        Assert.Equal(HttpStatusCode.Created, (await payment.TopUpAsync(user, 50_000m)).Status);
        Assert.True(await AllSentWithinAsync(db, await AccountOfAsync(db, user.Id), TimeSpan.FromSeconds(30)), "the relay did not resume");
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }

    /// <summary>One event too large for the producer, then <paramref name="later"/> small ones of the same account.</summary>
    private static Task InsertAsync(NpgsqlConnection db, string key, int later) => ExecuteAsync(db, """
        INSERT INTO outbox_messages (message_id, topic, message_key, event_type, payload, attempts)
        SELECT gen_random_uuid(), $2, $1, 'transaction.committed',
               CASE WHEN n = 0 THEN jsonb_build_object('pad', repeat('x', 1100000)) ELSE jsonb_build_object('probe', n) END, 0
          FROM generate_series(0, $3) n ORDER BY n
        """, key, Topic, later);

    private static Task DeleteAsync(NpgsqlConnection db, string key) => ExecuteAsync(db, "DELETE FROM outbox_messages WHERE message_key = $1", key);

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddRange(values.Select(v => new NpgsqlParameter { Value = v }).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> AccountOfAsync(NpgsqlConnection db, int userId)
    {
        await using var find = new NpgsqlCommand("SELECT id::text FROM accounts WHERE user_id = $1", db) { Parameters = { new() { Value = userId } } };
        return (string)(await find.ExecuteScalarAsync())!;
    }

    private static async Task<bool> AllSentWithinAsync(NpgsqlConnection db, string key, TimeSpan within)
    {
        await using var unsent = new NpgsqlCommand("SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FROM outbox_messages WHERE message_key = $1", db)
        {
            Parameters = { new() { Value = key } },
        };
        var deadline = DateTimeOffset.UtcNow + within;
        do
        {
            await using var row = await unsent.ExecuteReaderAsync();
            await row.ReadAsync();
            if (row.GetInt64(1) > 0 && row.GetInt64(0) == 0)
            {
                return true;
            }

            await row.DisposeAsync();
            await Task.Delay(100);
        }
        while (DateTimeOffset.UtcNow < deadline);
        return false;
    }

    /// <summary>The share of samples (every 50 ms) in which some session holds the relay's lock.</summary>
    private static async Task<double> LockHeldFractionAsync(NpgsqlConnection db, TimeSpan during)
    {
        await using var held = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                             AND classid::bigint = $1 >> 32 AND objid::bigint = $1 & 4294967295)
            """, db) { Parameters = { new() { Value = RelayLockKey } } };
        var samples = new List<bool>();
        var until = DateTimeOffset.UtcNow + during;
        while (DateTimeOffset.UtcNow < until)
        {
            samples.Add((bool)(await held.ExecuteScalarAsync())!);
            await Task.Delay(50);
        }

        return samples.Count(h => h) / (double)samples.Count;
    }

    /// <summary>Tries the relay's lock until it is free (then this session holds it) or the time is up.</summary>
    private static async Task<bool> TryTakeLockWithinAsync(NpgsqlConnection db, TimeSpan within)
    {
        await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({RelayLockKey})", db);
        var deadline = DateTimeOffset.UtcNow + within;
        while (!(bool)(await take.ExecuteScalarAsync())!)
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
