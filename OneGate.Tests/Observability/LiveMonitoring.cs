using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Observability;

/// <summary>The app's Prometheus (query, targets and rules APIs) and Alertmanager (alerts API), once both are ready.</summary>
public sealed class LiveMonitoring : IDisposable
{
    private readonly HttpClient prometheus;
    private readonly HttpClient alertmanager;

    private LiveMonitoring(Uri prometheusUrl, Uri alertmanagerUrl)
    {
        prometheus = new HttpClient { BaseAddress = prometheusUrl, Timeout = TimeSpan.FromSeconds(30) };
        alertmanager = new HttpClient { BaseAddress = alertmanagerUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The fixture does not wait for them (no service does): they start with everything else.</summary>
    public static async Task<LiveMonitoring> OfAsync(OneGateAppFixture fixture)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("prometheus", timeout.Token);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("alertmanager", timeout.Token);
        return new LiveMonitoring(fixture.App.GetEndpoint("prometheus", "http"), fixture.App.GetEndpoint("alertmanager", "http"));
    }

    /// <summary>An instant query's result: one element per series ({metric, value}).</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promql)
    {
        var data = await PrometheusDataAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return [.. data.GetProperty("result").EnumerateArray()];
    }

    /// <summary>The scrape targets Prometheus currently has, with their job, address and health.</summary>
    public async Task<IReadOnlyList<JsonElement>> ActiveTargetsAsync() =>
        [.. (await PrometheusDataAsync("/api/v1/targets?state=active")).GetProperty("activeTargets").EnumerateArray()];

    /// <summary>The alerting rules Prometheus loaded, across groups.</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertingRulesAsync() =>
        [.. (await PrometheusDataAsync("/api/v1/rules?type=alert")).GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())];

    /// <summary>What Alertmanager holds (its v2 API), active or not.</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertmanagerAlertsAsync() =>
        [.. (await alertmanager.GetFromJsonAsync<JsonElement>("/api/v2/alerts")).EnumerateArray()];

    public static string Label(JsonElement series, string name, string property = "metric") =>
        series.GetProperty(property).TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private async Task<JsonElement> PrometheusDataAsync(string path)
    {
        var body = await prometheus.GetFromJsonAsync<JsonElement>(path);
        Assert.True(body.GetProperty("status").GetString() == "success", $"{path}: {body}");
        return body.GetProperty("data");
    }

    public void Dispose()
    {
        prometheus.Dispose();
        alertmanager.Dispose();
    }
}
