using Microsoft.Extensions.Configuration;

namespace OneGate.AppHost.Monitoring;

/// <summary>
/// <c>OneGate:Monitoring</c>: how often Prometheus scrapes and evaluates, and (for tests and demos) how long an alert
/// may stay pending before it fires and how far back its expression looks.
/// </summary>
/// <param name="Interval">Scrape and rule evaluation interval (default 5 s; deployments use 15 s).</param>
/// <param name="MaxAlertHold">
/// When set, every rule's <c>for:</c> becomes this (expressions, labels and annotations unchanged), so a condition
/// reaches Alertmanager in seconds instead of the 5-10 min the rules wait; unset, Prometheus loads the manifests'
/// rules file itself.
/// </param>
/// <param name="MaxRangeWindow">
/// When set, every range selector of the rules longer than this (e.g. <c>[5m]</c>) becomes this, so a condition
/// clears (or holds) within seconds of its cause ending (or starting) instead of minutes; needs <see cref="MaxAlertHold"/>.
/// </param>
internal sealed record MonitoringOptions(TimeSpan Interval, TimeSpan? MaxAlertHold, TimeSpan? MaxRangeWindow = null)
{
    public static MonitoringOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("OneGate:Monitoring");
        var interval = section.GetValue("Interval", TimeSpan.FromSeconds(5));
        var hold = section.GetValue<TimeSpan?>("MaxAlertHold");
        var window = section.GetValue<TimeSpan?>("MaxRangeWindow");
        if (interval < TimeSpan.FromSeconds(1) || hold < TimeSpan.Zero)
        {
            throw new InvalidOperationException("OneGate:Monitoring:Interval is at least 1 s and MaxAlertHold is not negative");
        }

        // A rate needs two samples inside its window.
        if (window is { } w && (hold is null || w < 2 * interval))
        {
            throw new InvalidOperationException("OneGate:Monitoring:MaxRangeWindow needs MaxAlertHold and at least two intervals");
        }

        return new MonitoringOptions(interval, hold, window);
    }
}
