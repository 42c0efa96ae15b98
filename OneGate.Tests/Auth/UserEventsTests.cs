using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// Auth publishes its users on <c>onegate.users.v1</c> through its outbox: one event per registration and per
/// change of username, phone or status (whatever writes it), keyed by user id, in version order, without the
/// e-mail or the password hash; a message Kafka refuses holds back only its own user.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class UserEventsTests(OneGateAppFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Registration_publishes_the_user_keyed_by_id_with_what_masking_needs_and_no_secret()
    {
        var user = await TestUsers.RegisterAsync(auth);

        var messages = await UserEvents.ReadAsync(fixture, user.Id, seen => seen.Count > 0, Within);

        var message = Assert.Single(messages);
        using var json = JsonDocument.Parse(message.Message.Value);
        var root = json.RootElement;
        Assert.Equal("user.registered", root.GetProperty("eventType").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(root.GetProperty("eventId").GetGuid().ToString(), Header(message, "event-id"));
        var data = root.GetProperty("user");
        Assert.Equal(user.Id, data.GetProperty("userId").GetInt32());
        Assert.Equal(user.Username, data.GetProperty("username").GetString());
        Assert.Equal(user.Phone, data.GetProperty("phone").GetString());
        Assert.Equal("ACTIVE", data.GetProperty("status").GetString());
        Assert.Equal(1, data.GetProperty("version").GetInt32());
        Assert.DoesNotContain(user.Email, message.Message.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("email", message.Message.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", message.Message.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("argon", message.Message.Value, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Each_change_of_status_phone_or_username_publishes_the_next_version_in_order_and_other_updates_none()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var phone = "+62819" + user.Phone[^8..];

        // No profile or deactivation endpoint exists yet: an operator's SQL is a writer like any other.
        await ExecuteAsync("UPDATE users SET password_hash = password_hash, updated_at = now() WHERE id = $1", user.Id); // a rehash: no event
        await ExecuteAsync("UPDATE users SET is_active = false WHERE id = $1", user.Id);
        await ExecuteAsync($"UPDATE users SET phone = '{phone}' WHERE id = $1", user.Id);
        await ExecuteAsync("UPDATE users SET username = username || 'x' WHERE id = $1", user.Id);

        var messages = await UserEvents.ReadAsync(fixture, user.Id, seen => seen.Count >= 4, Within);
        await Task.Delay(TimeSpan.FromSeconds(1)); // nothing more may follow
        messages = await UserEvents.ReadAsync(fixture, user.Id, seen => seen.Count > 4, TimeSpan.FromSeconds(2));

        var states = messages.Select(m => JsonDocument.Parse(m.Message.Value).RootElement.GetProperty("user"))
            .Select(u => (Version: u.GetProperty("version").GetInt32(), Status: u.GetProperty("status").GetString(),
                Phone: u.GetProperty("phone").GetString(), Username: u.GetProperty("username").GetString())).ToList();
        Assert.Equal([1, 2, 3, 4], states.Select(s => s.Version));
        Assert.Equal(["ACTIVE", "INACTIVE", "INACTIVE", "INACTIVE"], states.Select(s => s.Status));
        Assert.Equal([user.Phone, user.Phone, phone, phone], states.Select(s => s.Phone));
        Assert.Equal(user.Username + "x", states[^1].Username);
        Assert.Single(messages.Select(m => m.Partition.Value).Distinct());
    }

    [Fact]
    public async Task A_user_event_Kafka_refuses_holds_back_only_that_users_later_events()
    {
        var failing = $"test-refused-{Guid.NewGuid():N}";
        try
        {
            // Larger than the producer's message.max.bytes: refused before it reaches the broker, every time.
            await ExecuteAsync("""
                INSERT INTO auth_outbox_messages (message_id, topic, message_key, event_type, payload)
                SELECT gen_random_uuid(), 'onegate.users.v1', $1, 'user.updated', jsonb_build_object('filler', repeat('x', 2000000))
                UNION ALL
                SELECT gen_random_uuid(), 'onegate.users.v1', $1, 'user.updated', '{"behind": true}'::jsonb
                """, failing);

            var user = await TestUsers.RegisterAsync(auth);
            var messages = await UserEvents.ReadAsync(fixture, user.Id, seen => seen.Count > 0, Within);
            Assert.Single(messages); // another user's event did not wait behind the refused one

            await Eventually.HoldsAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM auth_outbox_messages WHERE message_key = $1 AND attempts >= 1 AND last_error IS NOT NULL AND next_attempt_at IS NOT NULL",
                failing) == 1, Within, "the refused event's failure was not recorded");
            Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM auth_outbox_messages WHERE message_key = $1 AND sent_at IS NOT NULL", failing));
        }
        finally
        {
            await ExecuteAsync("DELETE FROM auth_outbox_messages WHERE message_key = $1", failing);
        }
    }

    private static string Header(ConsumeResult<string, string> message, string name) =>
        System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(name));

    private async Task ExecuteAsync(string sql, object parameter)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql, object parameter)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
