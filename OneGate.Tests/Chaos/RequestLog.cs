using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Chaos;

/// <summary>One HTTP attempt as the client saw it: a status code, or no answer at all (connection error, timeout).</summary>
public sealed record RequestRecord(string Endpoint, int? Status, string? Code, DateTimeOffset Started, DateTimeOffset Ended);

/// <summary>
/// Sends requests for the simulated clients and records every attempt. A response is read whole, so a
/// dropped connection mid-body counts as no answer.
/// </summary>
public sealed class RequestLog(HttpClient auth, HttpClient payment, HttpClient transaction)
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(20);

    public sealed record Answer(int? Status, string Body, bool Replayed, int? RetryAfterSeconds = null)
    {
        public JsonElement Json => Body.Length > 0 && Body[0] == '{' ? JsonDocument.Parse(Body).RootElement.Clone() : default;

        public string? Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

        public string? TransactionId => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("transactionId", out var id) ? id.GetString() : null;
    }

    public ConcurrentQueue<RequestRecord> Records { get; } = new();

    public HttpClient Auth => auth;

    public HttpClient Payment => payment;

    public HttpClient Transaction => transaction;

    public async Task<Answer> SendAsync(HttpClient client, string endpoint, Func<HttpRequestMessage> request)
    {
        var started = DateTimeOffset.UtcNow;
        using var timeout = new CancellationTokenSource(AttemptTimeout);
        try
        {
            using var message = request();
            using var response = await client.SendAsync(message, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var answer = new Answer((int)response.StatusCode, body, response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"),
                (int?)response.Headers.RetryAfter?.Delta?.TotalSeconds);
            Records.Enqueue(new RequestRecord(endpoint, answer.Status, answer.Status >= 400 ? SafeCode(answer) : null, started, DateTimeOffset.UtcNow));
            return answer;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            Records.Enqueue(new RequestRecord(endpoint, null, ex.GetType().Name, started, DateTimeOffset.UtcNow));
            return new Answer(null, ex.Message, false);
        }
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, object? body, string? bearer = null, string? idempotencyKey = null)
    {
        var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            message.Content = JsonContent.Create(body);
        }

        if (bearer is not null)
        {
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return message;
    }

    public static bool IsServerFailure(int? status) => status is null or >= 500;

    private static string? SafeCode(Answer answer)
    {
        try
        {
            return answer.Code;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A plain client on the resource's endpoint: no resilience handler, so every attempt is ours to count.</summary>
    public static HttpClient ClientFor(DistributedApplication app, string resource, HttpMessageHandler handler) =>
        new(handler, disposeHandler: false) { BaseAddress = app.GetEndpoint(resource, "http"), Timeout = Timeout.InfiniteTimeSpan };
}
