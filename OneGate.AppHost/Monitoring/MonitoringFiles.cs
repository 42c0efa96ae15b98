namespace OneGate.AppHost.Monitoring;

/// <summary>
/// Prometheus's and Alertmanager's own directories (configuration and data) under
/// <c>&lt;OneGate:DataDirectory&gt;/monitoring</c>, written at every start.
/// </summary>
/// <param name="Rules">The rules file Prometheus loads: the manifests' own, or its short-clock copy.</param>
/// <param name="Targets">Where <see cref="ScrapeTargets"/> writes the file_sd files.</param>
/// <param name="Jobs">The scraped services (one job each).</param>
internal sealed record MonitoringFiles(string PrometheusDirectory, string AlertmanagerDirectory, string Rules, string Targets, IReadOnlyList<string> Jobs)
{
    public const string AlertmanagerJob = "alertmanager";

    /// <summary>Where the images see the mounted rules and targets (Containers mode).</summary>
    public const string ContainerRules = "/etc/prometheus/rules/onegate.yaml";

    public const string ContainerTargets = "/etc/prometheus/targets";

    /// <param name="containerPaths">Prometheus runs in a container and sees the rules and targets where they are mounted.</param>
    public static MonitoringFiles Write(IDistributedApplicationBuilder builder, MonitoringOptions options, IReadOnlyList<string> jobs, bool containerPaths)
    {
        var root = Path.Combine(Infrastructure.LocalInfrastructure.DataDirectoryPath(builder), "monitoring");
        var prometheus = Path.Combine(root, "prometheus");
        var alertmanager = Path.Combine(root, "alertmanager");
        var targets = Path.Combine(prometheus, "targets");
        Directory.CreateDirectory(targets);
        Directory.CreateDirectory(alertmanager);

        var rules = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "manifests", "observability", "config", "alert-rules.yaml"));
        if (options.MaxAlertHold is { } hold)
        {
            var held = Path.Combine(prometheus, "alert-rules.yaml");
            File.WriteAllText(held, MonitoringConfig.WithShortClocks(File.ReadAllText(rules), hold, options.MaxRangeWindow));
            rules = held;
        }

        File.WriteAllText(Path.Combine(alertmanager, "alertmanager.yml"), MonitoringConfig.Alertmanager());
        File.WriteAllText(Path.Combine(prometheus, "prometheus.yml"), containerPaths
            ? MonitoringConfig.Prometheus(options, ContainerRules, ContainerTargets, jobs)
            : MonitoringConfig.Prometheus(options, rules, targets, jobs));
        return new MonitoringFiles(prometheus, alertmanager, rules, targets, jobs);
    }
}
