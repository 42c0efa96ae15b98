using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace OneGate.Tests.Deployment;

/// <summary>
/// Offline checks of manifests/observability: the collector pipeline, alert rules and dashboards use only
/// metrics that exist, Alertmanager routes to defined receivers with file-referenced secrets, Loki keeps 168 h.
/// </summary>
public sealed partial class ObservabilityConfigTests
{
    private static readonly string Directory = Path.Combine(RenderedManifests.RepositoryRoot, "manifests", "observability");

    [Fact]
    public void Collector_receives_otlp_batches_100_per_10_seconds_and_exports_to_prometheus_loki_and_tempo()
    {
        var config = Yaml("config/otel-collector.yaml");

        Assert.Equal("0.0.0.0:4317", Get(config, "receivers", "otlp", "protocols", "grpc", "endpoint"));
        Assert.Equal("0.0.0.0:4318", Get(config, "receivers", "otlp", "protocols", "http", "endpoint"));
        // The metric names in rules and dashboards are the suffixed translation (see KnownMetrics).
        Assert.Equal("True", Get(config, "exporters", "prometheus", "add_metric_suffixes"), ignoreCase: true);
        Assert.Equal("3m", Get(config, "exporters", "prometheus", "metric_expiration"));
        Assert.Equal("100", Get(config, "processors", "batch", "send_batch_size"));
        Assert.Equal("10s", Get(config, "processors", "batch", "timeout"));
        Assert.Equal("http://loki:3100/otlp", Get(config, "exporters", "otlphttp/loki", "endpoint"));
        Assert.Equal("tempo:4317", Get(config, "exporters", "otlp/tempo", "endpoint"));
        Assert.Equal(["prometheus"], List(config, "service", "pipelines", "metrics", "exporters"));
        Assert.Equal(["otlphttp/loki"], List(config, "service", "pipelines", "logs", "exporters"));
        Assert.Equal(["otlp/tempo"], List(config, "service", "pipelines", "traces", "exporters"));
        foreach (var pipeline in new[] { "metrics", "logs", "traces" })
        {
            Assert.Contains("batch", List(config, "service", "pipelines", pipeline, "processors"));
        }

        // The services export to it (ServiceDefaults turns OTLP on when the endpoint is set).
        var env = RenderedManifests.Of("base").ConfigMap("onegate-service-env").Data;
        Assert.Equal("http://otel-collector:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void Loki_keeps_logs_168_hours()
    {
        var config = Yaml("config/loki.yaml");

        Assert.Equal("168h", Get(config, "limits_config", "retention_period"));
        Assert.Equal("true", Get(config, "compactor", "retention_enabled"));
    }

    [Fact]
    public void Alert_rules_cover_the_seed_alerts_with_severity_and_summary()
    {
        var rules = Rules().ToList();

        foreach (var alert in new[] { "OneGateHighErrorRate", "OneGateHighP99Latency", "OneGateOutboxLag", "OneGateConsumerLag",
                     "OneGateRateLimitSurge", "OneGatePodRestarting" })
        {
            Assert.Contains(rules, r => r.Name == alert);
        }

        foreach (var rule in rules)
        {
            Assert.Contains(rule.Severity, new[] { "critical", "warning", "info" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Summary), rule.Name);
            Assert.Equal(rule.Expression.Count(c => c == '('), rule.Expression.Count(c => c == ')'));
        }
    }

    [Fact]
    public void Rules_and_dashboards_use_only_metrics_that_are_emitted()
    {
        var known = KnownMetrics();
        var expressions = Rules().Select(r => (r.Name, r.Expression))
            .Concat(Dashboards().SelectMany(d => Targets(d.Json).Select(e => (d.File, e))));

        foreach (var (where, expression) in expressions)
        {
            // A selector names a metric; any onegate_ word is ours even without one.
            var names = MetricName().Matches(expression).Select(m => m.Groups[1].Value)
                .Concat(OurMetricName().Matches(expression).Select(m => m.Value));
            foreach (var metric in names)
            {
                Assert.True(known.Contains(metric), $"{where}: {metric} is not emitted by anything we deploy");
            }
        }
    }

    [Fact]
    public void Dashboards_are_valid_and_use_the_provisioned_datasources()
    {
        var datasources = ((List<object>)Yaml("config/grafana-datasources.yaml")["datasources"])
            .Cast<Dictionary<object, object>>().Select(d => (string)d["uid"]).ToHashSet();
        var uids = new HashSet<string>();

        foreach (var (file, json) in Dashboards())
        {
            Assert.True(uids.Add(json.GetProperty("uid").GetString()!), $"{file}: duplicate uid");
            var panels = json.GetProperty("panels").EnumerateArray().ToList();
            Assert.NotEmpty(panels);
            Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
            foreach (var panel in panels)
            {
                Assert.Contains(panel.GetProperty("datasource").GetProperty("uid").GetString()!, datasources);
                Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            }
        }

        var business = Dashboards().Single(d => d.File.EndsWith("onegate-business.json", StringComparison.Ordinal));
        var titles = string.Join('\n', business.Json.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("title").GetString()));
        foreach (var kpi in new[] { "Top-ups", "Payments", "Transfers", "Refunds", "Declines", "Money moved (IDR)" })
        {
            Assert.Contains(kpi, titles, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Alertmanager_routes_to_defined_receivers_and_reads_every_credential_from_a_secret_file()
    {
        var config = Yaml("config/alertmanager.yaml");
        var receivers = Receivers().ToHashSet();

        Assert.Contains("slack", receivers);
        Assert.Contains("pagerduty", receivers);
        Assert.Contains("email", receivers);
        var route = (Dictionary<object, object>)config["route"];
        Assert.Contains((string)route["receiver"], receivers);
        foreach (var child in ((List<object>)route["routes"]).Cast<Dictionary<object, object>>())
        {
            Assert.Contains((string)child["receiver"], receivers);
        }

        var readme = File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, "manifests", "README.md"));
        var files = new List<string>();
        Walk(config, (key, value) =>
        {
            Assert.DoesNotContain(key, new[] { "api_url", "routing_key", "service_key", "auth_password", "smtp_auth_password" });
            if (key.EndsWith("_file", StringComparison.Ordinal))
            {
                files.Add(value);
            }
        });
        Assert.Equal(3, files.Count);
        foreach (var file in files)
        {
            Assert.StartsWith("/etc/alertmanager/secrets/", file, StringComparison.Ordinal);
            Assert.Contains($"`{Path.GetFileName(file)}`", readme, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// What is scraped: OTel instruments through the collector's Prometheus exporter, kafka-exporter, Kong's
    /// prometheus plugin, kube-state-metrics. Our own instruments are read from the source, so a renamed
    /// instrument or a changed unit fails here.
    /// </summary>
    private static HashSet<string> KnownMetrics()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var histogram in new[] { "http_server_request_duration_seconds", "http_client_request_duration_seconds" })
        {
            known.UnionWith([histogram + "_bucket", histogram + "_count", histogram + "_sum"]);
        }

        foreach (var source in new[] { "OneGate.ServiceDefaults/Kafka/KafkaTelemetry.cs", "OneGate.ServiceDefaults/Kafka/KafkaConsumerLag.cs", "OneGate.Payment/Ledger/LedgerMetrics.cs" })
        {
            var instruments = Instrument().Matches(File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, source)));
            Assert.True(instruments.Count > 0, $"no instrument found in {source}");
            foreach (Match instrument in instruments)
            {
                var unit = Unit().Match(instrument.Groups["rest"].Value);
                known.UnionWith(PrometheusNames(instrument.Groups["kind"].Value, instrument.Groups["name"].Value, unit.Success ? unit.Groups[1].Value : ""));
            }
        }

        Assert.Contains("onegate_kafka_produced_total", known);
        Assert.Contains("onegate_kafka_consumer_lag", known);
        known.UnionWith(["kafka_consumergroup_lag", "kong_http_requests_total", "kube_pod_container_status_restarts_total"]);
        return known;
    }

    /// <summary>
    /// The collector's translation with add_metric_suffixes (its prometheus translator's normalizeName): the
    /// name's alphanumeric tokens joined by "_", then the unit unless empty, "1" or an {annotation} (s becomes
    /// seconds, others stay as written, e.g. IDR), then _total on monotonic counters; histograms add their
    /// series suffixes.
    /// </summary>
    private static IEnumerable<string> PrometheusNames(string kind, string name, string unit)
    {
        var tokens = name.Split(['.', '_', '-'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var promUnit = unit switch { "s" => "seconds", "ms" => "milliseconds", "By" => "bytes", "1" => "", _ when unit.Contains('{') => "", _ => unit };
        if (promUnit.Length > 0 && !tokens.Contains(promUnit))
        {
            tokens.Add(promUnit);
        }

        var baseName = string.Join('_', tokens);
        return kind switch
        {
            "Counter" or "ObservableCounter" => [baseName + "_total"],
            "Histogram" => [baseName + "_bucket", baseName + "_count", baseName + "_sum"],
            _ => [baseName], // gauges and up-down counters
        };
    }

    private static IEnumerable<(string Name, string Expression, string Severity, string Summary)> Rules()
    {
        foreach (var group in ((List<object>)Yaml("config/alert-rules.yaml")["groups"]).Cast<Dictionary<object, object>>())
        {
            foreach (var rule in ((List<object>)group["rules"]).Cast<Dictionary<object, object>>())
            {
                yield return ((string)rule["alert"], (string)rule["expr"],
                    (string)((Dictionary<object, object>)rule["labels"])["severity"],
                    (string)((Dictionary<object, object>)rule["annotations"])["summary"]);
            }
        }
    }

    private static IEnumerable<string> Receivers() =>
        ((List<object>)Yaml("config/alertmanager.yaml")["receivers"]).Cast<Dictionary<object, object>>().Select(r => (string)r["name"]);

    private static IEnumerable<(string File, JsonElement Json)> Dashboards() =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, "dashboards"), "*.json").Order()
            .Select(f => (f, JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone()));

    private static IEnumerable<string> Targets(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!);

    private static Dictionary<string, object> Yaml(string file) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(File.ReadAllText(Path.Combine(Directory, file)));

    private static string? Get(Dictionary<string, object> root, params string[] path)
    {
        object? node = root;
        foreach (var key in path)
        {
            node = node switch
            {
                Dictionary<string, object> d => d.GetValueOrDefault(key),
                Dictionary<object, object> d => d.GetValueOrDefault(key),
                _ => null,
            };
        }

        return node?.ToString();
    }

    private static List<string> List(Dictionary<string, object> root, params string[] path)
    {
        object? node = root;
        foreach (var key in path)
        {
            node = node is Dictionary<string, object> d ? d.GetValueOrDefault(key) : ((Dictionary<object, object>)node!).GetValueOrDefault(key);
        }

        return ((List<object>)node!).Select(o => o.ToString()!).ToList();
    }

    private static void Walk(object node, Action<string, string> visit)
    {
        switch (node)
        {
            case Dictionary<string, object> d:
                foreach (var (k, v) in d) { VisitEntry(k, v, visit); }
                break;
            case Dictionary<object, object> d:
                foreach (var (k, v) in d) { VisitEntry(k.ToString()!, v, visit); }
                break;
            case List<object> l:
                foreach (var item in l) { Walk(item, visit); }
                break;
        }
    }

    private static void VisitEntry(string key, object value, Action<string, string> visit)
    {
        if (value is string s)
        {
            visit(key, s);
        }
        else if (value is not null)
        {
            Walk(value, visit);
        }
    }

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\bonegate_[a-zA-Z0-9_]+")]
    private static partial Regex OurMetricName();

    /// <summary>A Meter.Create...&lt;T&gt;("name", ...) call up to its end (units are passed as <c>unit:</c>).</summary>
    [GeneratedRegex(@"Create(?<kind>Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)<\w+>\(\s*""(?<name>[a-z0-9_.]+)""(?<rest>[^;]*);")]
    private static partial Regex Instrument();

    [GeneratedRegex(@"\bunit:\s*""([^""]*)""")]
    private static partial Regex Unit();
}
