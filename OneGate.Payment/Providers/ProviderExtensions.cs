using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers.Snap;
using Polly;

namespace OneGate.Payment.Providers;

public static class ProviderExtensions
{
    /// <summary>A provider answer larger than this is a failed call, not something to buffer.</summary>
    private const long MaxAnswerBytes = 256 * 1024;

    /// <summary>
    /// Registers the SNAP e-wallets: per provider named options (validated at start), a named HTTP client with its
    /// own resilience pipeline, a token cache (singleton) and a transient <see cref="SnapProvider"/>; then
    /// <see cref="EWalletProviders"/> (transient) and the notification verifier (singleton).
    /// </summary>
    public static IHostApplicationBuilder AddEWalletProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<ProvidersOptions>().BindConfiguration(ProvidersOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        foreach (var method in SnapProviderNames.Methods)
        {
            AddSnapProvider(services, method);
        }

        services.AddSingleton<SnapNotificationVerifier>();
        services.AddTransient<EWalletProviders>();
        return builder;
    }

    private static void AddSnapProvider(IServiceCollection services, PaymentMethod method)
    {
        var name = SnapProviderNames.Of(method);
        services.AddOptions<SnapProviderOptions>(name).BindConfiguration($"{ProvidersOptions.SectionName}:{name}")
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddKeyedSingleton(name, (sp, _) =>
            new SnapTokenCache(method, Options(sp, name), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SnapTokenCache>>()));
        services.AddHttpClient(name, http => http.MaxResponseContentBufferSize = MaxAnswerBytes).UseProviderResilience();
        services.AddTransient<IEWalletProvider>(sp => new SnapProvider(method,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(name),
            Options(sp, name),
            sp.GetRequiredKeyedService<SnapTokenCache>(name),
            sp.GetRequiredService<IOptions<ProvidersOptions>>().Value.CallbackUrl(SnapProviderNames.CallbackPath(method)),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SnapProvider>>()));
    }

    private static SnapProviderOptions Options(IServiceProvider sp, string name) => sp.GetRequiredService<IOptionsMonitor<SnapProviderOptions>>().Get(name);

    /// <summary>
    /// Replaces the standard resilience handler that ServiceDefaults gives every HttpClient with one sized for
    /// provider calls (outermost first): total timeout → retry → circuit breaker → per-attempt timeout.
    /// The pipeline is per client name, so GoPay and ShopeePay each have their own circuit.
    /// </summary>
    private static void UseProviderResilience(this IHttpClientBuilder http)
    {
        // RemoveAllResilienceHandlers is the documented way to drop the ConfigureHttpClientDefaults handler for
        // one client; Microsoft.Extensions.Http.Resilience 10.x still marks it [Experimental("EXTEXP0001")]
        // (API approved, name may change), hence the local suppression.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        http.AddResilienceHandler("provider", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<ProvidersOptions>>().Value;

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "TotalTimeout", Timeout = o.TotalTimeout });

            if (o.MaxRetryAttempts > 0)
            {
                // Retries cover every SNAP call we make, POSTs all, because each is idempotent: 73 only mints a token;
                // 55 is a read; 54 and 58 resend the same X-EXTERNAL-ID with identical bytes (the provider replays
                // its stored answer) and are keyed by partnerReferenceNo / partnerRefundNo besides, so a charge or
                // refund whose answer was lost (timeout, 5xx) never takes or gives back money twice. A new call
                // type that is not idempotent must not use this client.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetryAttempts,
                    Delay = o.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.CircuitFailureRatio,
                MinimumThroughput = o.CircuitMinimumThroughput,
                SamplingDuration = o.CircuitSamplingDuration,
                BreakDuration = o.CircuitBreakDuration,
            });

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = o.AttemptTimeout });
        });
    }
}
