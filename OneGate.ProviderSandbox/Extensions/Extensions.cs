using Microsoft.Extensions.DependencyInjection.Extensions;
using OneGate.ProviderSandbox.Callbacks;
using OneGate.ProviderSandbox.GoPay;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.ShopeePay;

namespace OneGate.ProviderSandbox.Extensions;

internal static class Extensions
{
    public static void AddSandboxServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<GoPayOptions>().BindConfiguration(GoPayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShopeePayOptions>().BindConfiguration(ShopeePayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScenarioOptions>().BindConfiguration(ScenarioOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallbackOptions>().BindConfiguration(CallbackOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // All state is in memory: one instance of each, thread-safe.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ScenarioBook>();
        services.AddSingleton<ChargeBook>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<GoPayTokenStore>();
        services.AddSingleton<ShopeePaySigner>();
        services.AddSingleton<CallbackDispatcher>();
        services.AddSingleton<ICallbackComposer, GoPayCallbackComposer>();
        services.AddSingleton<ICallbackComposer, ShopeePayCallbackComposer>();

        // ServiceDefaults gives every HttpClient the standard resilience handler; the dispatcher retries
        // callbacks itself and records each attempt, so this client must send each request exactly once.
        // RemoveAllResilienceHandlers is the documented way to drop that default for one client; it is still
        // marked [Experimental("EXTEXP0001")] in Microsoft.Extensions.Http.Resilience 10.x (API approved, name
        // may change), hence the local suppression.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(CallbackDispatcher.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
