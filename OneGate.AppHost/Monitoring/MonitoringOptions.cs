using Microsoft.Extensions.Configuration;

namespace OneGate.AppHost.Monitoring;

/// <summary>
/// <c>OneGate:Monitoring</c>: how often Prometheus scrapes and evaluates, and (for tests and demos) how long an alert
/// may stay pending before it fires.
/// </summary>
/// <param name="Interval">Scrape and rule evaluation interval (default 5 s; deployments use 15 s).</param>
/// <param name="MaxAlertHold">
/// When set, every rule's <c>for:</c> becomes this (expressions, labels and annotations unchanged), so a condition
/// reaches Alertmanager in seconds instead of the 5-10 min the rules wait; unset, Prometheus loads the manifests'
/// rules file itself.
/// </param>
internal sealed record MonitoringOptions(TimeSpan Interval, TimeSpan? MaxAlertHold)
{
    public static MonitoringOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("OneGate:Monitoring");
        var interval = section.GetValue("Interval", TimeSpan.FromSeconds(5));
        var hold = section.GetValue<TimeSpan?>("MaxAlertHold");
        if (interval < TimeSpan.FromSeconds(1) || hold < TimeSpan.Zero)
        {
            throw new InvalidOperationException("OneGate:Monitoring:Interval is at least 1 s and MaxAlertHold is not negative");
        }

        return new MonitoringOptions(interval, hold);
    }
}
