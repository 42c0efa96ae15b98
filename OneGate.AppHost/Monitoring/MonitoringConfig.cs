using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OneGate.AppHost.Monitoring;

/// <summary>
/// The configuration files the AppHost writes for Prometheus and Alertmanager. Addresses are not in them: the
/// scrape targets and Alertmanager's address are file_sd files that <see cref="ScrapeTargets"/> keeps current from
/// the running resources (random ports in tests, replicas that restart).
/// </summary>
internal static partial class MonitoringConfig
{
    /// <summary>One scrape job per service, named as the service (the `job` label the rules and dashboards use).</summary>
    /// <param name="targetsDirectory">Where Prometheus finds <c>{job}.json</c> (as Prometheus sees the path).</param>
    public static string Prometheus(MonitoringOptions options, string rulesFile, string targetsDirectory, IEnumerable<string> jobs)
    {
        var interval = Duration(options.Interval);
        var text = new StringBuilder($"""
            # Written by the OneGate AppHost at every start (docs/operations.md); edits are lost.
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
              evaluation_interval: {interval}
              external_labels:
                system: onegate
            rule_files:
              - {Quote(rulesFile)}
            alerting:
              alertmanagers:
                - file_sd_configs:
                    - files: [{Quote(TargetsFile(targetsDirectory, MonitoringFiles.AlertmanagerJob))}]
                      refresh_interval: {interval}
            scrape_configs:

            """);
        foreach (var job in jobs)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: {Quote(job)}
                    metrics_path: /metrics
                    file_sd_configs:
                      - files: [{Quote(TargetsFile(targetsDirectory, job))}]
                        refresh_interval: {interval}

                """);
        }

        return text.ToString();
    }

    /// <summary>
    /// Alerts are kept and shown (UI, /api/v2/alerts), not sent: the deployed routing
    /// (manifests/observability/config/alertmanager.yaml) needs Slack, PagerDuty and SMTP credentials.
    /// </summary>
    public static string Alertmanager() => """
        # Written by the OneGate AppHost at every start (docs/operations.md): alerts are received and shown, not sent.
        route:
          receiver: local
          group_by: [alertname, job]
          group_wait: 1s
          group_interval: 5s
          repeat_interval: 1h
        receivers:
          - name: local

        """;

    /// <summary>
    /// The rules file with every rule's <c>for:</c> replaced by <paramref name="hold"/> and, when
    /// <paramref name="window"/> is given, every longer range selector shortened to it; nothing else changes.
    /// </summary>
    public static string WithShortClocks(string rules, TimeSpan hold, TimeSpan? window)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(rules));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (var group in ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                if (rule.Children.ContainsKey("for"))
                {
                    rule.Children[new YamlScalarNode("for")] = new YamlScalarNode(Duration(hold));
                }

                if (window is { } max)
                {
                    var expression = (YamlScalarNode)rule["expr"];
                    expression.Value = WithRangesAtMost(expression.Value!, max);
                }
            }
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        var windows = window is { } w ? $" and every range selector at most {Duration(w)} (OneGate:Monitoring:MaxRangeWindow)" : "";
        text.WriteLine($"# Generated from the manifests' alert rules with every `for:` at {Duration(hold)} (OneGate:Monitoring:MaxAlertHold){windows}.");
        yaml.Save(text, assignAnchors: false);
        return text.ToString();
    }

    public static string TargetsFile(string targetsDirectory, string job) => $"{targetsDirectory.TrimEnd('/')}/{job}.json";

    /// <summary>A Prometheus duration in whole milliseconds (e.g. 5000ms).</summary>
    private static string Duration(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>The expression with every range selector longer than <paramref name="max"/> at <paramref name="max"/>.</summary>
    public static string WithRangesAtMost(string expression, TimeSpan max) =>
        RangeSelector().Replace(expression, m => PrometheusDuration(m.Groups[1].Value) > max ? $"[{Duration(max)}]" : m.Value);

    /// <summary>A range selector's duration, e.g. <c>[5m]</c> or <c>[1h30m]</c> (not a subquery's <c>[5m:1m]</c>).</summary>
    [GeneratedRegex(@"\[((?:\d+(?:ms|[smhdwy]))+)\]")]
    private static partial Regex RangeSelector();

    private static TimeSpan PrometheusDuration(string text) =>
        Regex.Matches(text, @"(\d+)(ms|[smhdwy])").Aggregate(TimeSpan.Zero, (sum, part) =>
            sum + long.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture) * part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(1),
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                "w" => TimeSpan.FromDays(7),
                _ => TimeSpan.FromDays(365),
            });

    private static string Quote(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
