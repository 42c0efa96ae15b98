using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Observability;

/// <summary>
/// Grafana cannot be installed here, so its dashboards' queries are run against the live Prometheus instead: after a
/// short load through the app, every panel's expression returns series. A renamed metric or label, or a query that
/// can never match what the services export, fails here.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class DashboardQueryTests(OneGateAppFixture fixture)
{
    /// <summary>Grafana's dashboard time range, for the business dashboard's totals ($__range).</summary>
    private const string Range = "15m";

    /// <summary>
    /// Kong's metric: Local mode has no gateway (Kong is a container image, not a Debian, NuGet or npm package, and
    /// this machine has no container engine), so the 429 panel's Kong target is empty here; the offline checks
    /// (ObservabilityConfigTests) and promtool cover its name. Every other target, consumer lag included, must answer.
    /// </summary>
    private const string NotInLocalMode = "kong_http_requests_total";

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly HttpClient transaction = fixture.CreateClient("transaction");

    [Fact]
    public async Task Every_dashboard_panel_query_returns_series_after_a_short_load()
    {
        using var monitoring = await LiveMonitoring.OfAsync(fixture);
        await DriveLoadAsync();

        var queries = PanelQueries().ToList();
        Assert.All(queries, q => Assert.DoesNotContain("$", q.Expression, StringComparison.Ordinal));
        var live = queries.Where(q => !q.Expression.Contains(NotInLocalMode, StringComparison.Ordinal)).ToList();
        Assert.Equal(queries.Count - 1, live.Count);

        // Rates and increases need two scrapes after the load.
        var empty = new List<string>();
        await Eventually.HoldsAsync(async () =>
            {
                empty.Clear();
                foreach (var (panel, expression) in live)
                {
                    if ((await monitoring.QueryAsync(expression)).Count == 0)
                    {
                        empty.Add($"{panel}: {expression}");
                    }
                }

                return empty.Count == 0;
            },
            TimeSpan.FromSeconds(90), () => $"panels without series:\n{string.Join('\n', empty)}");
    }

    /// <summary>
    /// Everything the panels count, once: both e-wallets, a decline, a provider timeout (503), a payment and its
    /// refund, a transfer, refused payments and transfers (422), a history read, and a login throttled (429).
    /// </summary>
    private async Task DriveLoadAsync()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var friend = await TestUsers.RegisterAndLoginAsync(auth);

        Assert.Equal(HttpStatusCode.Created, await TopUpServedAsync(user, 100_000m, "GOPAY"));
        Assert.Equal(HttpStatusCode.Created, await TopUpServedAsync(user, 50_000m, "SHOPEE_PAY"));
        Assert.Equal(HttpStatusCode.PaymentRequired, (await payment.TopUpAsync(user, 13_000m)).Status); // the sandbox declines
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await payment.TopUpAsync(user, 14_000m)).Status); // ... or never answers

        var paid = await payment.PayAsync(user, 10_000m);
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        var refund = await payment.PostAsync(user, "/api/payments/refund", new { transactionId = paid.Json.GetProperty("transactionId").GetString() });
        Assert.True(refund.Status == HttpStatusCode.Created, refund.Body);
        Assert.Equal(HttpStatusCode.Created, (await payment.TransferAsync(user, friend, 5_000m)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await payment.PayAsync(user, 9_000_000m)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await payment.TransferAsync(user, friend, 9_000_000m)).Status);

        using (var history = await transaction.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions")))
        {
            Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        }

        // Five failures for one identifier are allowed; the sixth attempt is throttled.
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var login = await auth.PostAsJsonAsync("/api/auth/login", new { username = friend.Username, password = "not the password" });
            statuses.Add(login.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private static IEnumerable<(string Panel, string Expression)> PanelQueries()
    {
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("manifests", "observability", "dashboards"), "*.json").Order(StringComparer.Ordinal))
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return ($"{Path.GetFileNameWithoutExtension(file)} / {panel.GetProperty("title").GetString()}",
                        target.GetProperty("expr").GetString()!.Replace("$__range", Range, StringComparison.Ordinal));
                }
            }
        }
    }

    /// <summary>
    /// A top-up, sent again (a new key) while the answer is 503: the lane beside this one provokes provider timeouts on
    /// purpose (Payment/TopUps), which can open Payment's circuit breaker to that e-wallet for its 15 s.
    /// </summary>
    private async Task<HttpStatusCode> TopUpServedAsync(TestUser user, decimal amount, string method) =>
        (await Eventually.ServedAsync(() => payment.TopUpAsync(user, amount, method), t => t.Status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(1))).Status;

}
