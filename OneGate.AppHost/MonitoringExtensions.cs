using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OneGate.AppHost.Infrastructure;
using OneGate.AppHost.Monitoring;

namespace OneGate.AppHost;

/// <summary>
/// Live metrics and alerts in development and tests: Prometheus scrapes every service's <c>/metrics</c> and evaluates
/// the alert rules the manifests deploy (manifests/observability/config/alert-rules.yaml); Alertmanager receives what
/// fires. Local mode runs Debian's <c>prometheus</c> and <c>prometheus-alertmanager</c> as processes, Containers mode
/// the images the manifests deploy. Run mode only: a deployment has manifests/observability, where the services
/// export OTLP to the collector. Nothing waits for them, so they start alongside everything else.
/// </summary>
internal static class MonitoringExtensions
{
    private const int PrometheusPort = 9190;
    private const int AlertmanagerPort = 9193;

    /// <summary>Scrapes every project resource added so far (call it after the services).</summary>
    public static void AddMetricsAndAlerts(this IDistributedApplicationBuilder builder, InfrastructureMode mode)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }

        var services = builder.Resources.OfType<ProjectResource>().ToList();
        foreach (var service in services)
        {
            builder.CreateResourceBuilder(service).WithEnvironment("OneGate__Metrics__PrometheusEndpoint", "true");
        }

        var files = MonitoringFiles.Write(builder, MonitoringOptions.From(builder.Configuration), [.. services.Select(s => s.Name)],
            containerPaths: mode == InfrastructureMode.Containers);
        if (mode == InfrastructureMode.Local)
        {
            AddProcesses(builder, files);
        }
        else
        {
            AddContainers(builder, files);
        }

        builder.Services.AddSingleton(new ScrapeTargets.Plan(files.Targets, [.. files.Jobs, MonitoringFiles.AlertmanagerJob]));
        builder.Services.AddHostedService<ScrapeTargets>();
    }

    private static void AddProcesses(IDistributedApplicationBuilder builder, MonitoringFiles files)
    {
        var alertmanager = builder.AddExecutable(MonitoringFiles.AlertmanagerJob, "prometheus-alertmanager", files.AlertmanagerDirectory)
            .WithHttpEndpoint(port: LocalInfrastructure.Port(builder, AlertmanagerPort), name: "http", isProxied: false);
        alertmanager
            .WithListenAddressArg(alertmanager.GetEndpoint("http"))
            .WithArgs("--config.file=alertmanager.yml", "--storage.path=data", "--data.retention=24h", "--log.level=warn",
                "--cluster.listen-address=") // one instance: no gossip port to collide with another run's
            .WithHttpHealthCheck("/-/ready")
            .WithUrl(ReferenceExpression.Create($"{alertmanager.GetEndpoint("http")}/#/alerts"), "Alerts received");

        var prometheus = builder.AddExecutable("prometheus", "prometheus", files.PrometheusDirectory)
            .WithHttpEndpoint(port: LocalInfrastructure.Port(builder, PrometheusPort), name: "http", isProxied: false);
        prometheus
            .WithListenAddressArg(prometheus.GetEndpoint("http"))
            // A development window of data, kept small: a day, at most 256 MB.
            .WithArgs("--config.file=prometheus.yml", "--storage.tsdb.path=data", "--storage.tsdb.retention.time=1d",
                "--storage.tsdb.retention.size=256MB", "--log.level=warn")
            .WithHttpHealthCheck("/-/ready")
            .WithUrl(ReferenceExpression.Create($"{prometheus.GetEndpoint("http")}/alerts"), "Alert rules")
            .WithUrl(ReferenceExpression.Create($"{prometheus.GetEndpoint("http")}/targets"), "Scrape targets");
    }

    /// <summary>
    /// Not run here (no container engine): the same files, mounted into the images the manifests deploy. Host
    /// networking (Linux), because the services are processes on the host listening on loopback, as in Local mode.
    /// </summary>
    private static void AddContainers(IDistributedApplicationBuilder builder, MonitoringFiles files)
    {
        builder.AddContainer(MonitoringFiles.AlertmanagerJob, "quay.io/prometheus/alertmanager", "v0.28.1")
            .WithContainerRuntimeArgs("--network=host")
            .WithBindMount(Path.Combine(files.AlertmanagerDirectory, "alertmanager.yml"), "/etc/alertmanager/alertmanager.yml", isReadOnly: true)
            .WithArgs("--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address=",
                $"--web.listen-address=127.0.0.1:{AlertmanagerPort.ToString(CultureInfo.InvariantCulture)}")
            .WithHttpEndpoint(port: AlertmanagerPort, targetPort: AlertmanagerPort, name: "http", isProxied: false)
            .WithHttpHealthCheck("/-/ready");

        builder.AddContainer("prometheus", "quay.io/prometheus/prometheus", "v3.1.0")
            .WithContainerRuntimeArgs("--network=host")
            .WithBindMount(Path.Combine(files.PrometheusDirectory, "prometheus.yml"), "/etc/prometheus/prometheus.yml", isReadOnly: true)
            .WithBindMount(files.Rules, MonitoringFiles.ContainerRules, isReadOnly: true)
            .WithBindMount(files.Targets, MonitoringFiles.ContainerTargets, isReadOnly: true)
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=1d",
                $"--web.listen-address=127.0.0.1:{PrometheusPort.ToString(CultureInfo.InvariantCulture)}")
            .WithHttpEndpoint(port: PrometheusPort, targetPort: PrometheusPort, name: "http", isProxied: false)
            .WithHttpHealthCheck("/-/ready");
    }

    /// <summary>Listens on loopback only, on the port the endpoint was given (random in tests).</summary>
    private static IResourceBuilder<ExecutableResource> WithListenAddressArg(this IResourceBuilder<ExecutableResource> builder, EndpointReference endpoint) =>
        builder.WithArgs(context => context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{endpoint.Property(EndpointProperty.Port)}")));
}
