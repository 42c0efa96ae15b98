using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Observability;

/// <summary>
/// An alert end to end on live data: the app answers 5xx, Prometheus scrapes it from the service, evaluates the
/// manifests' rule and Alertmanager receives the alert. The fixture holds every alert pending for seconds
/// (OneGate:Monitoring:MaxAlertHold) instead of the rules' 5-10 min, and shortens the rules' look-back windows to 20 s
/// (OneGate:Monitoring:MaxRangeWindow), so other tests' 5xx leave the rule's view within seconds; the holds and
/// windows themselves are promtool's to test (AlertRuleTests).
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class LiveAlertTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payment = fixture.CreateClient("payment");

    [Fact]
    public async Task Prometheus_loads_the_manifests_alert_rules_and_scrapes_every_service_replica()
    {
        using var monitoring = await LiveMonitoring.OfAsync(fixture);

        var loaded = (await monitoring.AlertingRulesAsync()).Select(r => r.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(AlertRuleTests.AlertNames(AlertRuleTests.Load("alert-rules.yaml")).Order(StringComparer.Ordinal), loaded);

        // Transaction runs two replicas: each is its own target, not the proxy in front of both.
        IReadOnlyList<JsonElement> targets = [];
        await Eventually.HoldsAsync(async () =>
            {
                targets = await monitoring.ActiveTargetsAsync();
                return Jobs(targets) == "auth=1/backoffice=1/payment=1/provider-sandbox=1/transaction=2"
                    && targets.All(t => t.GetProperty("health").GetString() == "up");
            },
            TimeSpan.FromSeconds(60), () => $"every service's instances are scraped and up: {string.Join("; ", targets.Select(Describe))}");
    }

    [Fact]
    public async Task Top_ups_answered_503_raise_OneGateHighErrorRate_for_payment_in_alertmanager()
    {
        using var monitoring = await LiveMonitoring.OfAsync(fixture);
        var condition = await LoadedExpressionAsync(monitoring, "OneGateHighErrorRate");
        // 5xx of another test may still be inside the rule's window: the alert that arrives must be this test's.
        await Eventually.HoldsAsync(async () => !(await monitoring.QueryAsync(condition)).Any(IsPayment), TimeSpan.FromSeconds(90),
            "payment's 5xx ratio back to at most 1 % before the test");
        var provoked = DateTimeOffset.UtcNow;

        // The e-wallet fails every call, so Payment answers its top-ups 503 PROVIDER_UNAVAILABLE.
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        using var sandbox = fixture.CreateClient("provider-sandbox");
        using (var fault = await sandbox.PostAsJsonAsync("/sandbox/faults", new { latencyMs = 0, failureRate = 1.0, durationSeconds = 120 }))
        {
            Assert.Equal(HttpStatusCode.OK, fault.StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        try
        {
            // Batches until Prometheus has seen enough of them (they must span scrapes for a rate).
            await Eventually.HoldsAsync(async () =>
                {
                    statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TopUpAsync(user))));
                    return (await monitoring.QueryAsync(condition)).Any(IsPayment);
                },
                TimeSpan.FromSeconds(90), () => $"Prometheus sees payment's 5xx ratio above 1 % (top-ups answered: {Count(statuses)})");
        }
        finally
        {
            using var cleared = await sandbox.DeleteAsync("/sandbox/faults");
            await RecoveredAsync(user);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        var alert = default(JsonElement);
        await Eventually.HoldsAsync(async () => (alert = (await monitoring.AlertmanagerAlertsAsync()).FirstOrDefault(IsPaymentErrorRate)).ValueKind != JsonValueKind.Undefined,
            TimeSpan.FromSeconds(60), "Alertmanager has OneGateHighErrorRate for payment");
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("critical", LiveMonitoring.Label(alert, "severity", "labels"));
        Assert.StartsWith("payment: ", alert.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(alert.GetProperty("startsAt").GetDateTimeOffset() >= provoked.AddSeconds(-1),
            $"the alert started before the test provoked it: {alert}");
    }

    /// <summary>
    /// The failures opened Payment's circuit breaker to the e-wallet (15 s): the next tests get a working provider
    /// once a top-up goes through again (tried every 2 s, not to add failures while it is open).
    /// </summary>
    private async Task RecoveredAsync(TestUser user) =>
        await Eventually.HoldsAsync(async () =>
            {
                if (await TopUpAsync(user) == HttpStatusCode.Created)
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
                return false;
            },
            TimeSpan.FromSeconds(60), "a top-up succeeds again after the fault");

    private async Task<HttpStatusCode> TopUpAsync(TestUser user)
    {
        using var request = user.Authorized(HttpMethod.Post, "/api/payments/topup", new { amount = 20_000m, paymentMethod = "GOPAY" });
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await payment.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// The rule's expression as Prometheus loaded it, which is the manifests' own with its 5 min windows at 20 s: the
    /// test asks Prometheus exactly what the rule asks.
    /// </summary>
    private static async Task<string> LoadedExpressionAsync(LiveMonitoring monitoring, string alert)
    {
        var loaded = (await monitoring.AlertingRulesAsync()).Single(r => r.GetProperty("name").GetString() == alert).GetProperty("query").GetString()!;
        var deployed = ((YamlSequenceNode)AlertRuleTests.Load("alert-rules.yaml")["groups"]).Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Single(r => r["alert"].ToString() == alert)["expr"].ToString();
        Assert.Equal(WithoutSpaces(deployed.Replace("[5m]", "[20s]", StringComparison.Ordinal)), WithoutSpaces(loaded));
        return loaded;
    }

    private static string WithoutSpaces(string expression) => string.Concat(expression.Where(c => !char.IsWhiteSpace(c)));

    private static bool IsPayment(JsonElement series) => LiveMonitoring.Label(series, "job") == "payment";

    private static bool IsPaymentErrorRate(JsonElement alert) =>
        LiveMonitoring.Label(alert, "alertname", "labels") == "OneGateHighErrorRate" && LiveMonitoring.Label(alert, "job", "labels") == "payment";

    private static string Jobs(IEnumerable<JsonElement> targets) =>
        string.Join('/', targets.GroupBy(t => LiveMonitoring.Label(t, "job", "labels")).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Count()}"));

    private static string Describe(JsonElement target) =>
        $"{LiveMonitoring.Label(target, "job", "labels")} {target.GetProperty("scrapeUrl").GetString()} {target.GetProperty("health").GetString()} {target.GetProperty("lastError").GetString()}";

    private static string Count(IEnumerable<HttpStatusCode> statuses) =>
        string.Join(", ", statuses.GroupBy(s => (int)s).Select(g => $"{g.Count()}x {g.Key}"));
}
