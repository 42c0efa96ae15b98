using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Regulators' rows are masked from what Auth publishes on <c>onegate.users.v1</c>, which Transaction applies
/// idempotently into <c>masked_users</c>: newer versions only, each event once, never null.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class RegulatorMaskingTests(OneGateAppFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task A_registered_users_rows_show_the_contracts_masks_of_username_and_phone()
    {
        var (key, user, transactionId) = await UserWithPaymentAsync();

        // u_ + 12 hex characters; +62 8xx: the phone's first five digits after '+' and its last four stay.
        var username = $"{user.Username[..2]}***{user.Username[^1]}";
        var digits = user.Phone[1..];
        var phone = $"+{digits[..5]}{new string('*', digits.Length - 9)}{digits[^4..]}";
        await RowShowsAsync(key, transactionId, username, phone);
    }

    [Fact]
    public async Task A_user_not_heard_of_yet_is_masked_whole_never_null()
    {
        var (key, user, transactionId) = await UserWithPaymentAsync();
        await RowShowsAsync(key, transactionId, $"{user.Username[..2]}***{user.Username[^1]}", null);

        // As if Auth's event had not arrived yet: Transaction knows the user id only.
        await ExecuteAsync("DELETE FROM masked_users WHERE user_id = $1", user.Id);

        var row = await RowAsync(key, transactionId);
        Assert.Equal("***", row?.GetProperty("maskedUsername").GetString());
        Assert.Equal("+***", row?.GetProperty("maskedPhone").GetString());
    }

    [Fact]
    public async Task An_older_or_replayed_user_event_does_not_overwrite_newer_data()
    {
        var (key, user, transactionId) = await UserWithPaymentAsync();
        await RowShowsAsync(key, transactionId, $"{user.Username[..2]}***{user.Username[^1]}", null);
        await UserEvents.ProduceAsync(fixture, user.Id, UserEvents.Event(Guid.NewGuid(), user.Id, "zz_newer_name", "+6289912340000", version: 50));
        await RowShowsAsync(key, transactionId, "zz***e", "+62899****0000");

        // Older states arriving late: a lower version, and Auth's own registration state again (a replay of version 1).
        var older = Guid.NewGuid();
        var replay = Guid.NewGuid();
        await UserEvents.ProduceAsync(fixture, user.Id,
            UserEvents.Event(older, user.Id, "aa_older_name", "+6281100001111", version: 49),
            UserEvents.Event(replay, user.Id, user.Username, user.Phone, version: 1));
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM processed_events WHERE event_id = ANY($1)", new[] { older, replay }) == 2,
            Within, "the older events were not consumed");

        var row = await RowAsync(key, transactionId);
        Assert.Equal("zz***e", row?.GetProperty("maskedUsername").GetString());
        Assert.Equal("+62899****0000", row?.GetProperty("maskedPhone").GetString());
        Assert.Equal(50, await CountAsync("SELECT version FROM masked_users WHERE user_id = $1", user.Id));
    }

    [Fact]
    public async Task The_same_user_event_twice_is_applied_once_and_never_dead_lettered()
    {
        var (key, user, transactionId) = await UserWithPaymentAsync();
        await RowShowsAsync(key, transactionId, $"{user.Username[..2]}***{user.Username[^1]}", null);
        var eventId = Guid.NewGuid();
        var value = UserEvents.Event(eventId, user.Id, "twice_seen_user", "+6281277778888", version: 7);

        await UserEvents.ProduceAsync(fixture, user.Id, value, value);
        var marker = Guid.NewGuid(); // behind both copies in the user's partition: once it is applied, so are they
        await UserEvents.ProduceAsync(fixture, user.Id, UserEvents.Event(marker, user.Id, "twice_seen_user", "+6281277778888", version: 7));
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM processed_events WHERE event_id = $1", marker) == 1,
            Within, "the events were not consumed");

        await RowShowsAsync(key, transactionId, "tw***r", "+62812****8888");
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM processed_events WHERE event_id = $1", eventId));
        Assert.Equal(7, await CountAsync("SELECT version FROM masked_users WHERE user_id = $1", user.Id));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dead_letter_events WHERE payload LIKE '%' || $1 || '%'", eventId.ToString()));
    }

    private async Task<(string Key, TestUser User, string TransactionId)> UserWithPaymentAsync()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, permissions: "READ_TRANSACTIONS");
        var user = await payment.FundedUserAsync(auth, 50_000m);
        var paid = await payment.PayAsync(user, 10_000m);
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        return (key.Secret, user, paid.Json.GetProperty("transactionId").GetString()!);
    }

    /// <summary>Waits (bounded) until the regulator's row of the transaction shows these masks (a null phone: any).</summary>
    private async Task RowShowsAsync(string key, string transactionId, string maskedUsername, string? maskedPhone)
    {
        JsonElement? last = null;
        await Eventually.HoldsAsync(async () =>
        {
            last = await RowAsync(key, transactionId);
            return last?.GetProperty("maskedUsername").GetString() == maskedUsername
                && (maskedPhone is null || last?.GetProperty("maskedPhone").GetString() == maskedPhone);
        }, Within, () => $"the regulator row is {last}, not {maskedUsername} / {maskedPhone}");
    }

    /// <summary>The regulator's row of a transaction (searched among the newest 100).</summary>
    private async Task<JsonElement?> RowAsync(string key, string transactionId)
    {
        using var response = await regulator.GetAsync($"{RegulatorClient.TransactionsPath}?type=PAYMENT&limit=100", key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("transactionId").GetString() == transactionId)
            .Select(i => (JsonElement?)i).SingleOrDefault();
    }

    private async Task ExecuteAsync(string sql, object parameter)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql, object parameter)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? -1L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
