using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Support;

/// <summary>Calls the Payment API as a user, with an Idempotency-Key on every money-moving request.</summary>
public sealed class PaymentApi(HttpClient payment)
{
    public sealed record Response(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Message, string Body);

    public Task<Response> PostAsync(TestUser user, string path, object body, string? key = null) =>
        SendAsync(user.Authorized(HttpMethod.Post, path, body), key);

    /// <summary>Posts JSON text exactly as written (number forms, key order, whitespace).</summary>
    public Task<Response> PostJsonAsync(TestUser user, string path, string json, string? key = null)
    {
        var request = user.Authorized(HttpMethod.Post, path);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return SendAsync(request, key);
    }

    private async Task<Response> SendAsync(HttpRequestMessage message, string? key)
    {
        using var request = message;
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        var response = await payment.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Response(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response, text);
    }

    public Task<Response> TopUpAsync(TestUser user, decimal amount, string method = "GOPAY", string? key = null) =>
        PostAsync(user, "/api/payments/topup", new { amount, paymentMethod = method }, key);

    public Task<Response> PayAsync(TestUser user, decimal amount, string merchant = "Warung Sate Pak Budi", string? key = null) =>
        PostAsync(user, "/api/payments/pay", new { amount, merchant }, key);

    public Task<Response> TransferAsync(TestUser from, TestUser to, decimal amount, string? key = null) =>
        PostAsync(from, "/api/payments/transfer", new { toUsername = to.Username, amount }, key);

    public async Task<decimal> BalanceAsync(TestUser user)
    {
        using var response = await payment.SendAsync(user.Authorized(HttpMethod.Get, "/api/payments/balance"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balance").GetDecimal();
    }

    public async Task<JsonElement?> TransactionAsync(TestUser user, string transactionId)
    {
        using var response = await payment.SendAsync(user.Authorized(HttpMethod.Get, $"/api/payments/transactions/{transactionId}"));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Polls (bounded) until the transaction reaches a final status.</summary>
    public async Task<JsonElement> SettledAsync(TestUser user, string transactionId, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var transaction = await TransactionAsync(user, transactionId);
            var status = transaction?.GetProperty("status").GetString();
            if (status is "SUCCESS" or "FAILED" or "CANCELLED" || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(status is "SUCCESS" or "FAILED" or "CANCELLED", $"{transactionId} still {status ?? "missing"} after {within}");
                return transaction!.Value;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Polls (bounded) until the transaction has <paramref name="status"/>; fails with its last state otherwise.</summary>
    public async Task<JsonElement> ReachesAsync(TestUser user, string transactionId, string status, TimeSpan within)
    {
        JsonElement? transaction = null;
        await Eventually.HoldsAsync(async () => (transaction = await TransactionAsync(user, transactionId))?.GetProperty("status").GetString() == status,
            within, () => $"{transactionId} reaches {status} (last seen: {transaction})");
        return transaction!.Value;
    }

    /// <summary>A user with money: registered, logged in, topped up (10,000,000 per top-up at most).</summary>
    public async Task<TestUser> FundedUserAsync(HttpClient auth, decimal amount)
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        while (amount > 0)
        {
            var part = Math.Min(amount, 10_000_000m);
            var topUp = await TopUpAsync(user, part);
            Assert.True(topUp.Status == HttpStatusCode.Created, topUp.Body);
            amount -= part;
        }

        return user;
    }
}
