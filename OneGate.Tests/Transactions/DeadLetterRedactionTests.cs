using System.Globalization;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Transactions;

/// <summary>
/// A user event the consumer dead-letters keeps its username and phone only while a replay could still use them:
/// until a state of the same user at its version or later has been applied, and never past the retention (30 days).
/// Then only the event's id, type, user id and version stay, with the error and position. Redaction runs every
/// second here; each test first lets several rounds pass to show nothing is redacted early.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class DeadLetterRedactionTests(OneGateAppFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SeveralRounds = TimeSpan.FromSeconds(3);

    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task A_dead_lettered_user_event_loses_username_and_phone_once_a_later_version_of_the_user_is_applied()
    {
        var user = await TestUsers.RegisterAsync(auth);
        await Eventually.HoldsAsync(async () => await ScalarAsync("SELECT count(*) FROM masked_users WHERE user_id = $1", user.Id) is 1L,
            Within, "the registration was not applied");

        // Version 2 with a status this consumer does not know: dead-lettered, and newer than what is applied.
        var eventId = Guid.NewGuid();
        await UserEvents.ProduceAsync(fixture, user.Id, UserEvents.Event(eventId, user.Id, user.Username, user.Phone, version: 2, status: "SUSPENDED"));
        var (id, payload) = await DeadLetterAsync(eventId.ToString());
        var phoneDigits = user.Phone.TrimStart('+'); // JSON writes the + as \u002B
        await Task.Delay(SeveralRounds);
        Assert.Contains(phoneDigits, await PayloadAsync(id), StringComparison.Ordinal); // a replay could still apply it

        // Auth's own version 2 of the user (an operator deactivates it) is applied: the dead letter is superseded.
        await using (var authDb = await OpenAsync())
        await using (var deactivate = new NpgsqlCommand("UPDATE users SET is_active = false WHERE id = $1", authDb) { Parameters = { new() { Value = user.Id } } })
        {
            await deactivate.ExecuteNonQueryAsync();
        }

        await Eventually.HoldsAsync(async () => !(await PayloadAsync(id)).Contains(phoneDigits, StringComparison.Ordinal), Within,
            "the superseded dead letter still holds the phone");
        var redacted = await PayloadAsync(id);
        Assert.DoesNotContain(user.Username, redacted, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(redacted);
        Assert.StartsWith("superseded", json.RootElement.GetProperty("redacted").GetString(), StringComparison.Ordinal);
        AssertKeptForDiagnosis(json.RootElement, eventId, user.Id, version: 2);
        Assert.NotEqual(payload, redacted);
        Assert.Equal(user.Id.ToString(CultureInfo.InvariantCulture), await ScalarAsync("SELECT message_key FROM dead_letter_events WHERE id = $1", id));
        Assert.Equal("not a version 1 user event", await ScalarAsync("SELECT error FROM dead_letter_events WHERE id = $1", id));
    }

    [Fact]
    public async Task A_dead_lettered_user_event_past_the_retention_is_redacted_even_unsuperseded_and_replay_drops_it()
    {
        var userId = 1_500_000_000 + Random.Shared.Next(100_000_000); // never registered: nothing will supersede it
        var marker = Guid.NewGuid().ToString("N")[..12];
        var phone = "+62811" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var eventId = Guid.NewGuid();
        var notJson = $"username=plain-{marker} phone={phone}";
        await UserEvents.ProduceAsync(fixture, userId,
            UserEvents.Event(eventId, userId, $"user-{marker}", phone, version: 1, status: "SUSPENDED"), notJson);
        var (eventLetter, _) = await DeadLetterAsync(eventId.ToString());
        var (textLetter, _) = await DeadLetterAsync(marker, exceptId: eventLetter);
        await Task.Delay(SeveralRounds);
        Assert.Contains(phone.TrimStart('+'), await PayloadAsync(eventLetter), StringComparison.Ordinal);
        Assert.Contains(phone, await PayloadAsync(textLetter), StringComparison.Ordinal);

        await ScalarAsync("UPDATE dead_letter_events SET created_at = now() - interval '31 days' WHERE id = ANY($1) RETURNING 1", new[] { eventLetter, textLetter });

        await Eventually.HoldsAsync(async () => !(await PayloadAsync(eventLetter)).Contains(marker, StringComparison.Ordinal)
            && !(await PayloadAsync(textLetter)).Contains(marker, StringComparison.Ordinal), Within, "dead letters past the retention still hold personal data");
        Assert.DoesNotContain(phone.TrimStart('+'), await PayloadAsync(eventLetter), StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(await PayloadAsync(eventLetter)))
        {
            Assert.Equal("past the personal-data retention", json.RootElement.GetProperty("redacted").GetString());
            AssertKeptForDiagnosis(json.RootElement, eventId, userId, version: 1);
        }

        using (var text = JsonDocument.Parse(await PayloadAsync(textLetter)))
        {
            Assert.Equal(["redacted", "redactedAt"], text.RootElement.EnumerateObject().Select(p => p.Name));
        }

        // Nothing personal is left to apply: replay removes it without sending it again.
        var (exit, output, error) = await RegulatorKeys.RunCommandAsync(fixture, ["dead-letters", "replay", eventLetter.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(exit == 0, $"replay exited {exit}: {output} {error}");
        Assert.Contains("dropped", output, StringComparison.Ordinal);
        Assert.Null(await ScalarAsync("SELECT id FROM dead_letter_events WHERE id = $1", eventLetter));
    }

    /// <summary>What diagnosis and the version rule need stays; nothing else of the user does.</summary>
    private static void AssertKeptForDiagnosis(JsonElement root, Guid eventId, int userId, int version)
    {
        Assert.Equal(eventId, root.GetProperty("eventId").GetGuid());
        Assert.Equal("user.updated", root.GetProperty("eventType").GetString());
        Assert.Equal(userId, root.GetProperty("user").GetProperty("userId").GetInt32());
        Assert.Equal(version, root.GetProperty("user").GetProperty("version").GetInt32());
        Assert.Equal(["userId", "version"], root.GetProperty("user").EnumerateObject().Select(p => p.Name));
    }

    /// <summary>The dead letter whose payload contains <paramref name="text"/>, once the consumer has set it aside.</summary>
    private async Task<(long Id, string Payload)> DeadLetterAsync(string text, long exceptId = 0)
    {
        (long, string)? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            await using var db = await OpenAsync();
            await using var find = new NpgsqlCommand(
                "SELECT id, payload FROM dead_letter_events WHERE topic = 'onegate.users.v1' AND strpos(payload, $1) > 0 AND id <> $2", db)
            {
                Parameters = { new() { Value = text }, new() { Value = exceptId } },
            };
            await using var reader = await find.ExecuteReaderAsync();
            found = await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetString(1)) : null;
            return found is not null;
        }, Within, $"no dead letter holding {text}");
        return found!.Value;
    }

    private async Task<string> PayloadAsync(long id) => (string)(await ScalarAsync("SELECT payload FROM dead_letter_events WHERE id = $1", id))!;

    private async Task<object?> ScalarAsync(string sql, object parameter)
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        return await command.ExecuteScalarAsync() is var value and not DBNull ? value : null;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        return db;
    }
}
