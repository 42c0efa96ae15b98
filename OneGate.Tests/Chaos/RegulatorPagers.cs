using System.Text.Json;

namespace OneGate.Tests.Chaos;

/// <summary>
/// A regulator walking <c>/api/external/transactions</c> page by page (newest first, by cursor) and starting
/// again at the end, paced to a share of its per-minute limit. Over the limit it honours <c>Retry-After</c>.
/// Within one walk no transaction may appear twice (new rows arrive at the head, never inside the walk).
/// </summary>
public sealed class RegulatorPager(RequestLog log, string apiKey, int perMinute, double paceShare)
{
    private readonly List<string> duplicates = [];

    public int Pages { get; private set; }

    public int Walks { get; private set; }

    public int RateLimited { get; private set; }

    public IReadOnlyList<string> Duplicates => duplicates;

    public async Task RunAsync(DateTimeOffset end, CancellationToken stop)
    {
        var pace = TimeSpan.FromMinutes(1) / (perMinute * paceShare);
        var seen = new HashSet<string>();
        string? cursor = null;
        while (DateTimeOffset.UtcNow < end && !stop.IsCancellationRequested)
        {
            var path = "/api/external/transactions?limit=50" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var answer = await log.SendAsync(log.Transaction, "GET /external/transactions", () =>
            {
                var request = RequestLog.Json(HttpMethod.Get, path, null);
                request.Headers.Add("X-API-Key", apiKey);
                return request;
            });
            var wait = pace;
            if (answer.Status == 200)
            {
                Pages++;
                foreach (var item in answer.Json.GetProperty("items").EnumerateArray())
                {
                    var id = item.GetProperty("transactionId").GetString()!;
                    if (!seen.Add(id))
                    {
                        duplicates.Add(id);
                    }
                }

                cursor = answer.Json.GetProperty("nextCursor") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;
                if (cursor is null)
                {
                    Walks++;
                    seen.Clear();
                }
            }
            else if (answer.Status == 429)
            {
                RateLimited++;
                wait = TimeSpan.FromSeconds(Math.Max(1, answer.RetryAfterSeconds ?? 1));
            }

            await Task.Delay(wait, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
