using Microsoft.Extensions.DependencyInjection.Extensions;
using OneGate.ProviderSandbox.DirectDebit;
using OneGate.ProviderSandbox.Notifications;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Extensions;

internal static class Extensions
{
    public static void AddSandboxServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        foreach (var provider in SandboxProviders.All)
        {
            services.AddOptions<SandboxProviderOptions>(provider.ToString())
                .BindConfiguration($"{SandboxProviderOptions.SectionPrefix}:{provider}")
                .ValidateDataAnnotations()
                .ValidateOnStart();
        }

        services.AddOptions<ScenarioOptions>().BindConfiguration(ScenarioOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // All state is in memory: one instance of each, thread-safe.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SandboxProviders>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<SnapCallGate>();
        services.AddSingleton<ExternalIdBook>();
        services.AddSingleton<SnapCallHandler>();
        services.AddSingleton<DebitPaymentService>();
        services.AddSingleton<DebitStatusService>();
        services.AddSingleton<DebitRefundService>();
        services.AddSingleton<ScenarioBook>();
        services.AddSingleton<ChargeBook>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<NotificationComposer>();
        services.AddSingleton<NotificationDispatcher>();

        // ServiceDefaults gives every HttpClient the standard resilience handler; the dispatcher retries
        // notifications itself and records each attempt, so this client must send each request exactly once.
        // RemoveAllResilienceHandlers is the documented way to drop that default for one client; it is still
        // marked [Experimental("EXTEXP0001")] in Microsoft.Extensions.Http.Resilience 10.x (API approved, name
        // may change), hence the local suppression.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(NotificationDispatcher.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
