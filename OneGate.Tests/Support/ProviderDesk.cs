using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Snap;
using OneGate.Tests.Sandbox;

namespace OneGate.Tests.Support;

/// <summary>
/// The provider's side of a top-up, as a test sees it: what the sandbox says it took and refunded, notifications
/// signed with the sandbox's own key (as the real provider would sign them), and the database rows behind a top-up.
/// </summary>
public sealed class ProviderDesk(OneGateAppFixture fixture, HttpClient payment) : IAsyncDisposable
{
    private readonly Dictionary<string, SnapPartner> partners = [];

    public static string CallbackPath(string method) => method == "GOPAY" ? "/api/payments/callbacks/gopay" : "/api/payments/callbacks/shopeepay";

    /// <summary>See <see cref="TopUpAgreement.ChargeAtProviderAsync"/>.</summary>
    public async Task<JsonElement?> ChargeAsync(string transactionId) =>
        await TopUpAgreement.ChargeAtProviderAsync((await PartnerAsync("GOPAY")).Http, transactionId);

    public async Task FailNextRefundsAsync(string transactionId, int count)
    {
        var partner = await PartnerAsync("GOPAY");
        using var response = await partner.Http.PostAsJsonAsync($"/sandbox/charges/{Uri.EscapeDataString(transactionId)}/refund-failures", new { count });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>
    /// Posts a service-56 notification to Payment's path for <paramref name="method"/>, signed with <paramref name="signAs"/>'s
    /// provider key at <paramref name="at"/> over <paramref name="signedPath"/> (by default the path it is sent to).
    /// </summary>
    public async Task<(int Status, string ResponseCode)> NotifyAsync(string method, DebitNotification notification, DateTimeOffset? at = null,
        string? signAs = null, string? signedPath = null)
    {
        var signer = await PartnerAsync(signAs ?? method);
        var body = SnapJson.Serialize(notification);
        var target = CallbackPath(method);
        var timestamp = SnapTimestamp.Format(at ?? DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, SnapSignature.SignNotification(signer.ProviderKey, "POST", signedPath ?? target, body, timestamp));
        request.Headers.Add(SnapHeaders.PartnerId, signer.PartnerId);
        request.Headers.Add(SnapHeaders.ExternalId, SnapPartner.NewExternalId());
        request.Headers.Add(SnapHeaders.ChannelId, signer.ChannelId);
        using var response = await payment.SendAsync(request);
        var answer = await SnapPartner.ReadAsync<SnapAnswer>(response);
        return ((int)response.StatusCode, answer.ResponseCode);
    }

    public static DebitNotification Success(string transactionId, decimal amount) =>
        new(transactionId, "provider-ref", null, SnapAmount.Of(amount), SnapTransactionStatus.Success, "SUCCESS");

    /// <summary>Runs SQL against the app's database (for setting up states no API reaches yet, e.g. a suspended account).</summary>
    public Task ExecuteAsync(string sql, params object[] values) => WithCommandAsync(sql, values, c => c.ExecuteNonQueryAsync());

    public Task<T?> ScalarAsync<T>(string sql, params object[] values) =>
        WithCommandAsync(sql, values, async c => await c.ExecuteScalarAsync() is T result ? result : default);

    private async Task<T> WithCommandAsync<T>(string sql, object[] values, Func<NpgsqlCommand, Task<T>> run)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await run(command);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var partner in partners.Values)
        {
            partner.Dispose();
        }

        await Task.CompletedTask;
    }

    private async Task<SnapPartner> PartnerAsync(string method)
    {
        if (!partners.TryGetValue(method, out var partner))
        {
            partner = await SnapPartner.OfAsync(fixture, method == "GOPAY" ? "GoPay" : "ShopeePay");
            partners[method] = partner;
        }

        return partner;
    }
}
