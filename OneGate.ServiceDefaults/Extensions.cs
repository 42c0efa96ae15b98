using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OneGate.ServiceDefaults.Gateway;
using OneGate.ServiceDefaults.Kafka;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every OneGate service shares: telemetry, health endpoints, service discovery, HTTP resilience
/// and RFC 9457 problem details. Nothing service-specific lives here.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";
    private const string MetricsEndpointPath = "/metrics";

    /// <summary>
    /// Serve the metrics at <c>/metrics</c> for a Prometheus scraping this process (the AppHost sets it in run mode);
    /// deployments export OTLP to the collector, whose Prometheus exporter gives the same names.
    /// </summary>
    private const string PrometheusEndpointSetting = "OneGate:Metrics:PrometheusEndpoint";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddGatewayForwardedHeaders();
        builder.Services.AddOneGateProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            // Enums travel as the contract's UPPER_SNAKE names (SHOPEE_PAY); numbers are not accepted for them.
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(
                System.Text.Json.JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        });

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var prometheus = builder.Configuration.GetValue<bool>(PrometheusEndpointSetting);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Every OneGate meter: OneGate.Kafka here, and a service's own (e.g. OneGate.Payment).
                    .AddMeter("OneGate.*");
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing
                // Every OneGate activity source: the service's own, OneGate.Kafka, and feature sources such as
                // OneGate.Payment.Outbox (the relay's span, which was not recorded under exact names).
                .AddSource("OneGate.*")
                // Probes would drown the traces that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                    && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                    && !context.Request.Path.StartsWithSegments(MetricsEndpointPath))
                .AddHttpClientInstrumentation());

        // Export only when an OTLP endpoint is configured (the AppHost sets it for the dashboard;
        // production sets it for the collector).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // "live" answers whether the process should be restarted; everything else is readiness.
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every registered check, i.e. the service's dependencies answer) and
    /// <c>/alive</c> (live: the process itself). Both are mapped in every environment because the
    /// orchestrator's probes need them; they reveal only a status word. <c>/metrics</c> only where
    /// <see cref="PrometheusEndpointSetting"/> asks for it, and its scrapes are not counted as requests: the
    /// request metrics stay what a deployment (without the endpoint) reports.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        if (app.Configuration.GetValue<bool>(PrometheusEndpointSetting))
        {
            app.MapPrometheusScrapingEndpoint(MetricsEndpointPath).DisableHttpMetrics();
        }

        return app;
    }
}
